package io.phosor.detect;

/** A compiled condition: evaluated against the per-event view, whose caches make shared tests free. */
interface Node {
  /** Whether the event in {@code v} satisfies the condition. */
  boolean test(EventView v);

  /** Always true (an empty "all"). */
  Node TRUE = v -> true;

  /** A field test, cached per event by leaf id. */
  record LeafRef(int id) implements Node {
    @Override
    public boolean test(EventView v) {
      return v.leaf(id);
    }
  }

  /** All children true. */
  record All(Node[] children) implements Node {
    @Override
    public boolean test(EventView v) {
      for (Node c : children) {
        if (!c.test(v)) {
          return false;
        }
      }
      return true;
    }
  }

  /** Some child true. */
  record Any(Node[] children) implements Node {
    @Override
    public boolean test(EventView v) {
      for (Node c : children) {
        if (c.test(v)) {
          return true;
        }
      }
      return false;
    }
  }

  /** Negation. */
  record Not(Node child) implements Node {
    @Override
    public boolean test(EventView v) {
      return !child.test(v);
    }
  }
}
