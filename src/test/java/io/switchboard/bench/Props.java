package io.switchboard.bench;

/** The benchmark's sizes from system properties; blank (as a build passes an unset property) is the default. */
final class Props {

  private Props() {
  }

  static int integer(String name, int otherwise) {
    String v = System.getProperty(name, "").trim();
    return v.isEmpty() ? otherwise : Integer.parseInt(v.replace("_", ""));
  }

  static long longValue(String name, long otherwise) {
    String v = System.getProperty(name, "").trim();
    return v.isEmpty() ? otherwise : Long.parseLong(v.replace("_", ""));
  }

  static double decimal(String name, double otherwise) {
    String v = System.getProperty(name, "").trim();
    return v.isEmpty() ? otherwise : Double.parseDouble(v);
  }
}
