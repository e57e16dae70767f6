package io.switchboard.config;

import static io.switchboard.config.Parsers.*;

import java.util.List;

/**
 * Every configuration setting, declared once: key, environment variable, default, validation and
 * description. README's configuration table lists the same settings (a test keeps them in step).
 */
public final class Settings {

  private Settings() {
  }

  public static final Setting<String> PROFILE = new Setting<>("profile", "SWITCHBOARD_PROFILE", "dev",
      oneOf("dev", "prod"), "dev or prod; prod refuses a missing or development JWT secret, and a /metrics with neither management port nor token");
  public static final Setting<String> NODE_ID = new Setting<>("node.id", "SWITCHBOARD_NODE_ID", "",
      text(), "name of this node in logs, presence and job claims (default: host name + random suffix)");
  public static final Setting<String> DATA_DIR = new Setting<>("data.dir", "SWITCHBOARD_DATA_DIR", "./data",
      text(), "folder for the embedded Postgres data, media and the generated development secret");

  public static final Setting<String> HTTP_HOST = new Setting<>("http.host", "SWITCHBOARD_HTTP_HOST", "0.0.0.0",
      text(), "address the HTTP/WebSocket port binds to");
  public static final Setting<Integer> HTTP_PORT = new Setting<>("http.port", "SWITCHBOARD_HTTP_PORT", "8080",
      intRange(0, 65535), "HTTP/WebSocket port (0 = any free port)");
  public static final Setting<Integer> EVENT_LOOPS = new Setting<>("eventLoops", "SWITCHBOARD_EVENT_LOOPS", "0",
      intRange(0, 1024), "event-loop threads (0 = Vert.x's default: twice the CPUs the process may use)");
  public static final Setting<Integer> HTTP_INSTANCES = new Setting<>("http.instances", "SWITCHBOARD_HTTP_INSTANCES", "0",
      intRange(0, 256), "HTTP verticle instances (0 = one per event loop)");
  public static final Setting<Long> HTTP_MAX_BODY_BYTES = new Setting<>("http.maxBodyBytes", "SWITCHBOARD_HTTP_MAX_BODY_BYTES",
      "65536", longRange(1024, 1L << 30), "largest JSON request body; larger ones get 413 before being buffered");
  public static final Setting<Long> HTTP_MAX_UPLOAD_BYTES = new Setting<>("http.maxUploadBytes", "SWITCHBOARD_HTTP_MAX_UPLOAD_BYTES",
      "10485760", longRange(1024, 1L << 31), "largest multipart upload (avatars, images); larger ones get 413");

  public static final Setting<String> PG_URL = new Setting<>("pg.url", "SWITCHBOARD_PG_URL", "",
      uri("postgresql", "postgres"), "Postgres URL postgresql://user:pass@host:port/db (unset = embedded Postgres under data.dir)");
  public static final Setting<Integer> PG_POOL_SIZE = new Setting<>("pg.poolSize", "SWITCHBOARD_PG_POOL_SIZE", "8",
      intRange(1, 200), "Postgres connections per node, besides the group commit's own 2");
  public static final Setting<Integer> PG_EMBEDDED_PORT = new Setting<>("pg.embeddedPort", "SWITCHBOARD_PG_EMBEDDED_PORT", "0",
      intRange(0, 65535), "port of the embedded Postgres (0 = any free port)");

  public static final Setting<String> REDIS_URL = new Setting<>("redis.url", "SWITCHBOARD_REDIS_URL", "",
      redisUrls(), "Redis URL redis://host:port, or in cluster mode a comma-separated list of seed nodes (unset = single node, no Redis)");
  public static final Setting<String> REDIS_MODE = new Setting<>("redis.mode", "SWITCHBOARD_REDIS_MODE", "standalone",
      oneOf("standalone", "cluster"), "standalone (one Redis) or cluster (Redis Cluster 7+, sharded pub/sub; redis.url lists seed nodes)");

  public static final Setting<String> REDIS_PREFIX = new Setting<>("redis.prefix", "SWITCHBOARD_REDIS_PREFIX", "switchboard:",
      text(), "prefix of every Redis channel and key (lets clusters share one Redis)");

  public static final Setting<Integer> PRESENCE_HEARTBEAT_SECONDS = new Setting<>("presence.heartbeatSeconds",
      "SWITCHBOARD_PRESENCE_HEARTBEAT_SECONDS", "5", intRange(1, 60),
      "how often a clustered node refreshes its presence key (expires after three beats; a dead node's users stop counting then)");

  public static final Setting<String> JWT_SECRET = new Setting<>("jwt.secret", "SWITCHBOARD_JWT_SECRET", "",
      text(), "HS256 secret, at least 32 bytes in prod (unset in dev = generated and kept under data.dir)");

  public static final Setting<String> JWT_ALGORITHM = new Setting<>("jwt.algorithm", "SWITCHBOARD_JWT_ALGORITHM", "HS256",
      upperOneOf("HS256", "RS256", "ES256"), "token signature; RS256/ES256 need the two key files");
  public static final Setting<String> JWT_PRIVATE_KEY_FILE = new Setting<>("jwt.privateKeyFile", "SWITCHBOARD_JWT_PRIVATE_KEY_FILE", "",
      text(), "PEM PKCS#8 private key for RS256/ES256");
  public static final Setting<String> JWT_PUBLIC_KEY_FILE = new Setting<>("jwt.publicKeyFile", "SWITCHBOARD_JWT_PUBLIC_KEY_FILE", "",
      text(), "PEM public key for RS256/ES256");
  public static final Setting<Integer> ACCESS_TOKEN_TTL = new Setting<>("auth.accessTokenTtlSeconds", "SWITCHBOARD_ACCESS_TOKEN_TTL_SECONDS",
      "900", intRange(10, 86_400), "access token lifetime");
  public static final Setting<Integer> REFRESH_TOKEN_TTL = new Setting<>("auth.refreshTokenTtlSeconds", "SWITCHBOARD_REFRESH_TOKEN_TTL_SECONDS",
      "2592000", intRange(60, 31_536_000), "refresh token (session) lifetime");
  public static final Setting<Integer> BCRYPT_COST = new Setting<>("auth.bcryptCost", "SWITCHBOARD_BCRYPT_COST", "12",
      intRange(4, 16), "bcrypt cost factor of password hashes (each step doubles the work; prod refuses less than 10)");
  public static final Setting<Integer> CAPTCHA_AFTER_FAILURES = new Setting<>("auth.captchaAfterFailures", "SWITCHBOARD_CAPTCHA_AFTER_FAILURES",
      "5", intRange(1, 1000), "failed logins for one username within 15 minutes after which a captcha is required");

  public static final Setting<Integer> JOBS_POLL_MILLIS = new Setting<>("jobs.pollMillis", "SWITCHBOARD_JOBS_POLL_MILLIS", "500",
      intRange(50, 60_000), "how often each node looks for due schedule ticks and queued jobs");
  public static final Setting<Integer> JOBS_LEASE_SECONDS = new Setting<>("jobs.leaseSeconds", "SWITCHBOARD_JOBS_LEASE_SECONDS", "60",
      intRange(1, 86_400), "how long a claimed job stays with its node; after that another node may take it");
  public static final Setting<Integer> JOBS_MAX_ATTEMPTS = new Setting<>("jobs.maxAttempts", "SWITCHBOARD_JOBS_MAX_ATTEMPTS", "5",
      intRange(1, 100), "tries before a job is kept as failed");
  public static final Setting<Integer> JOBS_BACKOFF_MILLIS = new Setting<>("jobs.backoffMillis", "SWITCHBOARD_JOBS_BACKOFF_MILLIS", "2000",
      intRange(10, 3_600_000), "first retry delay; doubles with each attempt (capped at 1 h), with ±20 % jitter");
  public static final Setting<Integer> JOBS_CONCURRENCY = new Setting<>("jobs.concurrency", "SWITCHBOARD_JOBS_CONCURRENCY", "4",
      intRange(1, 256), "jobs one node runs at once");
  public static final Setting<Integer> WEBHOOK_TIMEOUT_MILLIS = new Setting<>("jobs.webhookTimeoutMillis", "SWITCHBOARD_WEBHOOK_TIMEOUT_MILLIS",
      "10000", intRange(100, 600_000), "timeout of one webhook POST");

  public static final Setting<String> ADMIN_USERNAME = new Setting<>("admin.username", "SWITCHBOARD_ADMIN_USERNAME", "admin",
      text(), "bootstrap admin created at first start");
  public static final Setting<String> ADMIN_PASSWORD = new Setting<>("admin.password", "SWITCHBOARD_ADMIN_PASSWORD", "",
      text(), "bootstrap admin password (unset = generated and printed once at first start)");

  public static final Setting<Integer> RECALL_WINDOW_SECONDS = new Setting<>("messages.recallWindowSeconds",
      "SWITCHBOARD_RECALL_WINDOW_SECONDS", "30", intRange(0, 86_400), "how long after sending a sender may recall a message");
  public static final Setting<Integer> RATE_BURST = new Setting<>("messages.rateBurst", "SWITCHBOARD_RATE_BURST", "10",
      intRange(1, 1_000_000), "messages one user may send to one conversation in a burst");
  public static final Setting<Double> RATE_PER_SECOND = new Setting<>("messages.ratePerSecond", "SWITCHBOARD_RATE_PER_SECOND", "5",
      positiveDouble(), "sustained messages per second one user may send to one conversation");
  public static final Setting<Integer> WS_PING_SECONDS = new Setting<>("ws.pingSeconds", "SWITCHBOARD_WS_PING_SECONDS", "25",
      intRange(1, 3600), "a socket silent this long is pinged; one silent for twice as long is closed");
  public static final Setting<Integer> WS_OUTBOX_BYTES = new Setting<>("ws.outboxBytes", "SWITCHBOARD_WS_OUTBOX_BYTES", "1048576",
      intRange(1024, 1 << 30), "outbound bytes queued for one socket past which it is closed as a slow reader (1013)");

  public static final Setting<Integer> HTTP_IDLE_TIMEOUT_SECONDS = new Setting<>("http.idleTimeoutSeconds", "SWITCHBOARD_HTTP_IDLE_TIMEOUT_SECONDS",
      "120", intRange(1, 86_400), "a connection (HTTP or WebSocket) that reads and writes nothing this long is closed");
  public static final Setting<Integer> HTTP_HEADER_TIMEOUT_SECONDS = new Setting<>("http.headerTimeoutSeconds", "SWITCHBOARD_HTTP_HEADER_TIMEOUT_SECONDS",
      "10", intRange(1, 3_600), "a connection whose request head has not fully arrived this long after it opened (or after the previous response) is closed");
  public static final Setting<Integer> HTTP_MAX_HEADER_BYTES = new Setting<>("http.maxHeaderBytes", "SWITCHBOARD_HTTP_MAX_HEADER_BYTES",
      "8192", intRange(1024, 1 << 20), "largest request header block; a larger one gets 431 and the connection is closed");
  public static final Setting<Integer> HTTP_MAX_LINE_BYTES = new Setting<>("http.maxLineBytes", "SWITCHBOARD_HTTP_MAX_LINE_BYTES",
      "4096", intRange(256, 1 << 20), "longest request line (method, path and query); a longer one gets 414 and the connection is closed");
  public static final Setting<Integer> HTTP_SEND_BUFFER_BYTES = new Setting<>("http.sendBufferBytes", "SWITCHBOARD_HTTP_SEND_BUFFER_BYTES",
      "0", intRange(0, 1 << 28), "kernel send buffer of each connection (SO_SNDBUF; 0 = the OS's autotuning, which lets a reader that never reads pin up to tcp_wmem's maximum beside its outbox)");
  public static final Setting<Integer> WS_MAX_FRAME_BYTES = new Setting<>("ws.maxFrameBytes", "SWITCHBOARD_WS_MAX_FRAME_BYTES",
      "65536", intRange(1024, 1 << 24), "largest client WebSocket frame, and message of several frames; a larger one closes the socket with 1009");
  public static final Setting<Integer> WS_UPGRADE_BURST = new Setting<>("ws.upgradeBurst", "SWITCHBOARD_WS_UPGRADE_BURST", "500",
      intRange(1, 10_000_000), "WebSocket upgrades (every socket kind, refused ones too) one client address may attempt in a burst (per node)");
  public static final Setting<Integer> WS_UPGRADE_CHECKS = new Setting<>("ws.upgradeChecks", "SWITCHBOARD_WS_UPGRADE_CHECKS", "16",
      intRange(1, 100_000), "WebSocket upgrades per event loop whose checks (token, access) run at once; later ones wait their turn");
  public static final Setting<Integer> WS_UPGRADE_QUEUE = new Setting<>("ws.upgradeQueue", "SWITCHBOARD_WS_UPGRADE_QUEUE", "20000",
      intRange(0, 10_000_000), "WebSocket upgrades per event loop that may wait for a check's turn; past that 503 unavailable");
  public static final Setting<Double> WS_UPGRADES_PER_SECOND = new Setting<>("ws.upgradesPerSecond", "SWITCHBOARD_WS_UPGRADES_PER_SECOND",
      "100", positiveDouble(), "sustained WebSocket upgrades per second per client address (per node); past it 429 with Retry-After, before the upgrade");
  public static final Setting<List<String>> TRUSTED_PROXIES = new Setting<>("http.trustedProxies", "SWITCHBOARD_TRUSTED_PROXIES", "",
      addressList(), "comma-separated IP addresses or CIDR ranges of reverse proxies whose X-Forwarded-For is believed (unset = none)");
  public static final Setting<Integer> PG_MAX_WAIT_QUEUE = new Setting<>("pg.maxWaitQueue", "SWITCHBOARD_PG_MAX_WAIT_QUEUE", "512",
      intRange(1, 100_000), "requests that may wait for a Postgres connection; past that they get 503 unavailable");
  public static final Setting<Integer> AUTH_HASH_THREADS = new Setting<>("auth.hashThreads", "SWITCHBOARD_AUTH_HASH_THREADS", "2",
      intRange(1, 64), "threads of the password-hashing pool (bcrypt runs only there)");
  public static final Setting<Integer> AUTH_HASH_QUEUE = new Setting<>("auth.hashQueue", "SWITCHBOARD_AUTH_HASH_QUEUE", "32",
      intRange(1, 10_000), "password hashes that may wait for a hashing thread; past that the request gets 503 unavailable");
  public static final Setting<Integer> AUTH_IP_BURST = new Setting<>("auth.ipBurst", "SWITCHBOARD_AUTH_IP_BURST", "20",
      intRange(1, 1_000_000), "login, register, refresh and captcha calls one client address may make in a burst (per node)");
  public static final Setting<Double> AUTH_IP_PER_MINUTE = new Setting<>("auth.ipPerMinute", "SWITCHBOARD_AUTH_IP_PER_MINUTE", "30",
      positiveDouble(), "sustained login, register, refresh and captcha calls per minute per client address (per node)");
  public static final Setting<Boolean> WEBHOOK_ALLOW_PRIVATE = new Setting<>("jobs.webhookAllowPrivate", "SWITCHBOARD_WEBHOOK_ALLOW_PRIVATE", "false",
      bool(), "allow webhook targets on loopback, link-local or private addresses");
  public static final Setting<Integer> WS_FRAME_BURST = new Setting<>("ws.frameBurst", "SWITCHBOARD_WS_FRAME_BURST", "40",
      intRange(1, 1_000_000), "client frames of any type one socket may send in a burst; past the budget: rate_limited");
  public static final Setting<Double> WS_FRAMES_PER_SECOND = new Setting<>("ws.framesPerSecond", "SWITCHBOARD_WS_FRAMES_PER_SECOND", "20",
      positiveDouble(), "sustained client frames per second per socket");
  public static final Setting<Integer> TYPING_INTERVAL_SECONDS = new Setting<>("ws.typingIntervalSeconds", "SWITCHBOARD_TYPING_INTERVAL_SECONDS",
      "3", intRange(0, 3_600), "typing events of one user in one conversation are relayed at most once per this many seconds (per node)");

  public static final Setting<Integer> NOTIFICATIONS_RETENTION_DAYS = new Setting<>("notifications.retentionDays",
      "SWITCHBOARD_NOTIFICATIONS_RETENTION_DAYS", "90", intRange(1, 36_500),
      "notifications older than this many days are purged (schedule notifications.purge), read or not");

  public static final Setting<Integer> MODULE_HEARTBEAT_TIMEOUT_SECONDS = new Setting<>("modules.heartbeatTimeoutSeconds",
      "SWITCHBOARD_MODULE_HEARTBEAT_TIMEOUT_SECONDS", "30", intRange(1, 86_400),
      "a module with no heartbeat this long is offline (its socket closed with 4408; modules.expire covers dead nodes)");
  public static final Setting<Integer> MODULE_HEARTBEAT_FLUSH_MILLIS = new Setting<>("modules.heartbeatFlushMillis",
      "SWITCHBOARD_MODULE_HEARTBEAT_FLUSH_MILLIS", "5000", intRange(50, 600_000),
      "how often a node writes its modules' last heartbeats to Postgres, in one statement (below half the heartbeat timeout)");
  public static final Setting<String> MODULE_REGISTRATION_KEY = new Setting<>("modules.registrationKey",
      "SWITCHBOARD_MODULE_REGISTRATION_KEY", "", text(), "when set, /module/register needs key=<this> (unset = open registration)");
  public static final Setting<String> NOTIFY_WEBHOOK_URL = new Setting<>("modules.notifyWebhookUrl", "SWITCHBOARD_NOTIFY_WEBHOOK_URL", "",
      uri("http", "https"), "URL POSTed {hash, name, online, at} on every module online/offline change (the old EMAIL_API_URL; unset = off)");
  public static final Setting<Integer> MODULE_ALERT_COALESCE_SECONDS = new Setting<>("modules.alertCoalesceSeconds",
      "SWITCHBOARD_MODULE_ALERT_COALESCE_SECONDS", "10", intRange(0, 86_400),
      "a module's changes within this many seconds of its first queued alert become that one alert, with the latest state (0 = every change alone)");
  public static final Setting<Integer> MODULE_FIELD_MAX_CHARS = new Setting<>("modules.fieldMaxChars", "SWITCHBOARD_MODULE_FIELD_MAX_CHARS",
      "255", intRange(1, 100_000), "longest module name, description and missionKind");
  public static final Setting<Integer> MODULE_DATA_REQUIREMENT_MAX_CHARS = new Setting<>("modules.dataRequirementMaxChars",
      "SWITCHBOARD_MODULE_DATA_REQUIREMENT_MAX_CHARS", "16384", intRange(2, 1_000_000), "longest module dataRequirement (JSON text)");
  public static final Setting<Integer> MODULE_COMMAND_TIMEOUT_MILLIS = new Setting<>("modules.commandTimeoutMillis",
      "SWITCHBOARD_MODULE_COMMAND_TIMEOUT_MILLIS", "5000", intRange(100, 600_000),
      "how long a module command waits for the holding node to confirm the frame was written; then 504");

  public static final Setting<Integer> IMAGE_THREADS = new Setting<>("media.imageThreads", "SWITCHBOARD_IMAGE_THREADS", "0",
      intRange(0, 64), "threads of the image-decoding pool (uploaded pictures are decoded and re-encoded only there; 0 = half the CPUs, at least 1, so decoding never takes every core from the event loops)");
  public static final Setting<Integer> IMAGE_QUEUE = new Setting<>("media.imageQueue", "SWITCHBOARD_IMAGE_QUEUE", "8",
      intRange(0, 10_000), "uploaded pictures that may wait for an image thread; past that the upload gets 503 unavailable");

  public static final Setting<String> MEDIA_URL_SECRET = new Setting<>("media.urlSecret", "SWITCHBOARD_MEDIA_URL_SECRET", "",
      text(), "key material of signed picture URLs (unset = derived from the JWT secret; needed with RS256/ES256 and no secret)");
  public static final Setting<Integer> MEDIA_URL_TTL_SECONDS = new Setting<>("media.urlTtlSeconds", "SWITCHBOARD_MEDIA_URL_TTL_SECONDS",
      "3600", intRange(1, 604_800), "how long a signed URL of a conversation picture stays valid");

  public static final Setting<String> MEDIA_DIR = new Setting<>("media.dir", "SWITCHBOARD_MEDIA_DIR", "", text(),
      "folder of stored pictures (unset = <data.dir>/media); nodes of a cluster must share it");
  public static final Setting<String> ANNOUNCEMENT_PRESETS_FILE = new Setting<>("announcements.presetsFile",
      "SWITCHBOARD_ANNOUNCEMENT_PRESETS_FILE", "conf/announcements.json", text(),
      "JSON file of announcement presets {\"presets\": [{name, text, image?}]}, pictures relative to it (missing file = no presets)");

  public static final Setting<Integer> MANAGEMENT_PORT = new Setting<>("management.port", "SWITCHBOARD_MANAGEMENT_PORT", "",
      intRange(0, 65535), "port serving /metrics and /health/* for the operator's network (unset = /metrics on the HTTP port; 0 = any free port)");
  public static final Setting<String> MANAGEMENT_HOST = new Setting<>("management.host", "SWITCHBOARD_MANAGEMENT_HOST", "",
      text(), "address the management port binds to (unset = http.host)");
  public static final Setting<String> METRICS_TOKEN = new Setting<>("metrics.token", "SWITCHBOARD_METRICS_TOKEN", "",
      text(), "when set, /metrics needs Authorization: Bearer <this> (compared in constant time; unset = no token)");

  public static final Setting<String> LOG_FORMAT = new Setting<>("log.format", "SWITCHBOARD_LOG_FORMAT", "text",
      oneOf("text", "json"), "text (one line per event) or json (one JSON object per line, logback's JsonEncoder)");
  public static final Setting<String> LOG_FILE = new Setting<>("log.file", "SWITCHBOARD_LOG_FILE", "",
      text(), "file the log is written to, rolled by size (unset = standard output only)");
  public static final Setting<Integer> LOG_FILE_MAX_SIZE_MB = new Setting<>("log.fileMaxSizeMb", "SWITCHBOARD_LOG_FILE_MAX_SIZE_MB", "100",
      intRange(1, 100_000), "size in MB at which the log file is rolled over");
  public static final Setting<Integer> LOG_FILE_COUNT = new Setting<>("log.fileCount", "SWITCHBOARD_LOG_FILE_COUNT", "10",
      intRange(1, 20), "rolled log files kept beside the current one (file.1 ... file.N)");
  public static final Setting<java.util.Map<String, String>> LOG_LEVELS = new Setting<>("log.levels", "SWITCHBOARD_LOG_LEVELS", "",
      logLevels(), "levels per logger or package, e.g. io.switchboard.gateway=debug,io.netty=warn (root for every other one)");

  public static final List<Setting<?>> ALL = List.of(PROFILE, NODE_ID, DATA_DIR, HTTP_HOST, HTTP_PORT, EVENT_LOOPS, HTTP_INSTANCES,
      HTTP_MAX_BODY_BYTES, HTTP_MAX_UPLOAD_BYTES, PG_URL, PG_POOL_SIZE, PG_EMBEDDED_PORT, REDIS_URL, REDIS_MODE, REDIS_PREFIX, PRESENCE_HEARTBEAT_SECONDS, JWT_SECRET,
      JWT_ALGORITHM, JWT_PRIVATE_KEY_FILE, JWT_PUBLIC_KEY_FILE, ACCESS_TOKEN_TTL, REFRESH_TOKEN_TTL, BCRYPT_COST,
      CAPTCHA_AFTER_FAILURES, JOBS_POLL_MILLIS, JOBS_LEASE_SECONDS, JOBS_MAX_ATTEMPTS, JOBS_BACKOFF_MILLIS, JOBS_CONCURRENCY,
      WEBHOOK_TIMEOUT_MILLIS, ADMIN_USERNAME, ADMIN_PASSWORD, RECALL_WINDOW_SECONDS, RATE_BURST, RATE_PER_SECOND,
      WS_PING_SECONDS, WS_OUTBOX_BYTES, HTTP_IDLE_TIMEOUT_SECONDS, HTTP_HEADER_TIMEOUT_SECONDS, HTTP_MAX_HEADER_BYTES, HTTP_MAX_LINE_BYTES,
      HTTP_SEND_BUFFER_BYTES, WS_MAX_FRAME_BYTES, WS_UPGRADE_BURST, WS_UPGRADES_PER_SECOND, WS_UPGRADE_CHECKS, WS_UPGRADE_QUEUE, TRUSTED_PROXIES, PG_MAX_WAIT_QUEUE,
      AUTH_HASH_THREADS, AUTH_HASH_QUEUE, AUTH_IP_BURST, AUTH_IP_PER_MINUTE, WEBHOOK_ALLOW_PRIVATE, WS_FRAME_BURST, WS_FRAMES_PER_SECOND,
      TYPING_INTERVAL_SECONDS, NOTIFICATIONS_RETENTION_DAYS, MODULE_HEARTBEAT_TIMEOUT_SECONDS, MODULE_HEARTBEAT_FLUSH_MILLIS,
      MODULE_REGISTRATION_KEY, NOTIFY_WEBHOOK_URL, MODULE_ALERT_COALESCE_SECONDS, MODULE_FIELD_MAX_CHARS, MODULE_DATA_REQUIREMENT_MAX_CHARS,
      MODULE_COMMAND_TIMEOUT_MILLIS, MEDIA_URL_SECRET, MEDIA_URL_TTL_SECONDS, IMAGE_THREADS, IMAGE_QUEUE,
      ANNOUNCEMENT_PRESETS_FILE, MEDIA_DIR, MANAGEMENT_PORT, MANAGEMENT_HOST, METRICS_TOKEN,
      LOG_FORMAT, LOG_FILE, LOG_FILE_MAX_SIZE_MB, LOG_FILE_COUNT, LOG_LEVELS);
}
