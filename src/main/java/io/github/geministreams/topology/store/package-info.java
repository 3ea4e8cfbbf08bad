/**
 * The changelogged pending store of prompts not yet answered, and the handover entries that let an
 * answer outlive the task that asked for it.
 */
package io.github.geministreams.topology.store;
