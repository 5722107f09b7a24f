package io.phosor.config;

import java.util.List;
import java.util.function.Function;

/**
 * One configuration setting: its key in phosor.yml (dotted path), the environment variables that
 * override it (first listed wins), its default, and a parser that rejects bad values with a reason.
 */
record Setting<T>(String key, List<String> env, String defaultValue, Function<String, T> parser, String doc) {}
