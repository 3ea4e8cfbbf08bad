/**
 * Gemini Batch API jobs: prompts in {@code mode: batch} are collected per task and model, their
 * intent committed before a job is created, the job polled, and its results settled exactly once.
 * In this code "batch" always means the Batch API.
 */
package io.github.geministreams.topology.batchjob;
