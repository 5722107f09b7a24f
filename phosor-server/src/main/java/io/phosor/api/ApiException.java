package io.phosor.api;

import java.util.Map;

/**
 * A request Phosor refuses, mapped in one place to a JSON error {@code {"status", "error", "message"}}
 * with the HTTP status, plus optional headers (Retry-After).
 */
public final class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int status;
  private final String error;
  private final transient Map<String, String> headers;

  /** Creates an error answered with {@code status}, a short machine code and a human message. */
  public ApiException(int status, String error, String message) {
    this(status, error, message, Map.of());
  }

  /** Same, with response headers. */
  public ApiException(int status, String error, String message, Map<String, String> headers) {
    super(message);
    this.status = status;
    this.error = error;
    this.headers = headers;
  }

  /** 400 with a message naming the problem. */
  public static ApiException badRequest(String message) {
    return new ApiException(400, "bad_request", message);
  }

  /** The HTTP status. */
  public int status() {
    return status;
  }

  /** The short machine-readable code. */
  public String error() {
    return error;
  }

  /** Headers to add to the error response. */
  public Map<String, String> headers() {
    return headers;
  }
}
