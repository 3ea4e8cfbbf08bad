/**
 * Job tracking: counts of the prompts of each {@code job} and the {@code jobs} records.
 */
package io.github.geministreams.jobs;
