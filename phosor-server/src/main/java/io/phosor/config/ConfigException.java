package io.phosor.config;

/** Invalid configuration: the message names the setting and the problem, and start-up stops. */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message a user can act on. */
  public ConfigException(String message) {
    super(message);
  }
}
