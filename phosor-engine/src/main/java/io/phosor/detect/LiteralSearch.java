package io.phosor.detect;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;

/**
 * Finds, in one pass over a text, which of many folded ASCII literals it contains: an Aho-Corasick
 * automaton (Aho and Corasick, "Efficient string matching", CACM 1975) compiled to a dense DFA over a
 * reduced alphabet (only the chars that occur in some literal get a class; every other char resets).
 * The text is folded char by char on the fly ({@link Text#foldChar}), so it is never copied.
 */
final class LiteralSearch {
  private final byte[] charClass = new byte[128];
  private final int classes;
  private final int[] delta;
  private final int[][] out;

  /** Builds the automaton; literal i (folded, ASCII, non-empty) reports id {@code ids[i]}. */
  LiteralSearch(List<String> literals, int[] ids) {
    int cls = 1;
    int totalChars = 1;
    for (String lit : literals) {
      totalChars += lit.length();
      for (int i = 0; i < lit.length(); i++) {
        char c = lit.charAt(i);
        if (c >= 128) {
          throw new IllegalArgumentException("non-ASCII literal: " + lit);
        }
        if (charClass[c] == 0) {
          charClass[c] = (byte) cls++;
        }
      }
    }
    if (cls > 127) {
      throw new IllegalStateException("alphabet too large");
    }
    this.classes = cls;
    int[] trie = new int[totalChars * cls];
    Arrays.fill(trie, -1);
    int[][] outputs = new int[totalChars][];
    int states = 1;
    for (int id = 0; id < literals.size(); id++) {
      String lit = literals.get(id);
      int s = 0;
      for (int i = 0; i < lit.length(); i++) {
        int k = s * cls + charClass[lit.charAt(i)];
        if (trie[k] < 0) {
          trie[k] = states++;
        }
        s = trie[k];
      }
      outputs[s] = append(outputs[s], ids[id]);
    }
    // BFS: failure links folded into a complete transition table
    int[] fail = new int[states];
    ArrayDeque<Integer> queue = new ArrayDeque<>();
    for (int c = 0; c < cls; c++) {
      int t = trie[c];
      if (t < 0) {
        trie[c] = 0;
      } else {
        fail[t] = 0;
        queue.add(t);
      }
    }
    trie[0] = 0; // class 0 (a char in no literal) always returns to the root
    while (!queue.isEmpty()) {
      int s = queue.poll();
      if (outputs[fail[s]] != null) {
        for (int id : outputs[fail[s]]) {
          outputs[s] = append(outputs[s], id);
        }
      }
      for (int c = 0; c < cls; c++) {
        int k = s * cls + c;
        int t = trie[k];
        if (c == 0) {
          trie[k] = 0;
        } else if (t < 0) {
          trie[k] = trie[fail[s] * cls + c];
        } else {
          fail[t] = trie[fail[s] * cls + c];
          queue.add(t);
        }
      }
    }
    this.delta = Arrays.copyOf(trie, states * cls);
    this.out = Arrays.copyOf(outputs, states);
  }

  /**
   * Marks {@code found[id] = stamp} for every literal that occurs in {@code text} (folded) and appends the
   * newly found ids to {@code hits} from {@code nHits}; returns the new count of hits.
   */
  int search(String text, int[] found, int stamp, int[] hits, int nHits) {
    final byte[] cc = charClass;
    final int[] d = delta;
    final int k = classes;
    int s = 0;
    for (int i = 0, n = text.length(); i < n; i++) {
      char c = Text.foldChar(text.charAt(i));
      s = d[s * k + (c < 128 ? cc[c] : 0)];
      int[] o = out[s];
      if (o != null) {
        for (int id : o) {
          if (found[id] != stamp) {
            found[id] = stamp;
            hits[nHits++] = id;
          }
        }
      }
    }
    return nHits;
  }

  private static int[] append(int[] a, int v) {
    if (a == null) {
      return new int[] {v};
    }
    for (int x : a) {
      if (x == v) {
        return a;
      }
    }
    int[] b = Arrays.copyOf(a, a.length + 1);
    b[a.length] = v;
    return b;
  }
}
