package io.phosor.detect;

/** Receives alerts as the engine raises them (on the engine's thread; must not block). */
@FunctionalInterface
public interface AlertSink {
  /** Takes one alert. */
  void accept(Alert alert);
}
