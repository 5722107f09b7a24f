/** Phosor search (see the module's pom for what it holds). */
package io.phosor.search;
