/**
 * Incidents: alerts about the same entity (IP, user, host) within a period grouped into one incident with a
 * lifecycle (open, acknowledged, resolved), an assignee, notes and a timeline; the /api/incidents routes.
 */
package io.phosor.incident;
