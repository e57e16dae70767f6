package io.switchboard.testing;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * A WebSocket client written by hand over a plain TCP socket, for behaviour a well-behaved client
 * never shows: reading nothing (a tiny receive buffer that fills up) or never answering pings.
 */
public final class RawWebSocket implements AutoCloseable {

  public static final int OP_TEXT = 1;
  public static final int OP_CLOSE = 8;
  public static final int OP_PING = 9;
  public static final int OP_PONG = 10;

  private final Socket socket;
  private final DataInputStream in;

  public record Frame(int opcode, byte[] payload) {

    public int closeCode() {
      return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : -1;
    }
  }

  private RawWebSocket(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new DataInputStream(socket.getInputStream());
  }

  /** Connects and completes the handshake; answers the socket, or throws with the HTTP status line. */
  public static RawWebSocket open(int port, String uri, int receiveBufferBytes) throws IOException {
    Socket socket = new Socket();
    socket.setReceiveBufferSize(receiveBufferBytes);
    socket.setSoTimeout(20_000);
    socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    String request = "GET " + uri + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
    socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
    socket.getOutputStream().flush();
    String head = readHead(socket.getInputStream());
    if (!head.startsWith("HTTP/1.1 101")) {
      socket.close();
      throw new IOException("upgrade refused: " + head.lines().findFirst().orElse(head));
    }
    return new RawWebSocket(socket);
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    byte[] end = {'\r', '\n', '\r', '\n'};
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        throw new EOFException("connection closed during the handshake");
      }
      head.write(b);
      matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    return head.toString(StandardCharsets.US_ASCII);
  }

  /** The next frame (bounded by the socket timeout), or null when the connection ended. */
  public Frame read() throws IOException {
    try {
      int b0 = in.readUnsignedByte();
      int b1 = in.readUnsignedByte();
      long length = b1 & 0x7f;
      if (length == 126) {
        length = in.readUnsignedShort();
      } else if (length == 127) {
        length = in.readLong();
      }
      byte[] mask = null;
      if ((b1 & 0x80) != 0) {
        mask = new byte[4];
        in.readFully(mask);
      }
      byte[] payload = new byte[(int) length];
      in.readFully(payload);
      if (mask != null) {
        for (int i = 0; i < payload.length; i++) {
          payload[i] ^= mask[i % 4];
        }
      }
      return new Frame(b0 & 0x0f, payload);
    } catch (EOFException | java.net.SocketException e) {
      return null;
    }
  }

  /** Sends one masked client frame (a pong to answer a ping, a text frame, …). */
  public void send(int opcode, byte[] payload) throws IOException {
    if (payload.length > 125) {
      throw new IllegalArgumentException("only short frames");
    }
    byte[] mask = {0x11, 0x22, 0x33, 0x44};
    byte[] frame = new byte[2 + 4 + payload.length];
    frame[0] = (byte) (0x80 | opcode);
    frame[1] = (byte) (0x80 | payload.length);
    System.arraycopy(mask, 0, frame, 2, 4);
    for (int i = 0; i < payload.length; i++) {
      frame[6 + i] = (byte) (payload[i] ^ mask[i % 4]);
    }
    socket.getOutputStream().write(frame);
    socket.getOutputStream().flush();
  }

  /** Writes bytes as they are (a frame head alone, a frame the server must refuse, garbage). */
  public void sendRaw(byte[] bytes) throws IOException {
    socket.getOutputStream().write(bytes);
    socket.getOutputStream().flush();
  }

  /** Reads until a close frame (answers its code), the end of the connection (-1), or the timeout. */
  public int readUntilClosed(int timeoutMillis) throws IOException {
    socket.setSoTimeout(timeoutMillis);
    try {
      while (true) {
        Frame f = read();
        if (f == null) {
          return -1;
        }
        if (f.opcode() == OP_CLOSE) {
          return f.closeCode();
        }
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the server neither closed the socket nor the connection within " + timeoutMillis + " ms", e);
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
