package io.phosor.detect;

import java.util.HashMap;
import java.util.Map;

/** Where detectors send alerts: applies suppression, counts, and hands alerts to the current sink. */
final class AlertOut {
  AlertSink sink;
  long alerts;
  long suppressed;
  final Map<String, Long> perRule = new HashMap<>();

  /** Whether an alert for (rule, key) at {@code at} may be raised; records it when so, counts it when not. */
  boolean admit(Detector d, Object key, long at) {
    if (d.suppressMs <= 0) {
      return true;
    }
    long[] last = d.state.suppressed.get(key);
    if (last != null && Math.abs(at - last[0]) < d.suppressMs) {
      suppressed++;
      return false;
    }
    if (last == null) {
      d.state.suppressed.put(key, new long[] {at});
    } else {
      last[0] = Math.max(last[0], at);
    }
    return true;
  }

  void emit(Detector d, Alert alert) {
    if (!d.silent) {
      alerts++;
      perRule.merge(alert.ruleId(), 1L, Long::sum);
      sink.accept(alert);
    }
    for (Detector.Consumer c : d.consumers) {
      c.detector().onAlert(c.input(), alert, this);
    }
  }
}
