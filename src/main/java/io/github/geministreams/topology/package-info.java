/**
 * The Kafka Streams topology: its factory, the parse processor, the Gemini processor and the
 * services the tasks of one instance share. Its subpackages hold the processor's parts, from the
 * top of the stack down: {@code batchjob}, {@code output}, {@code cache}, {@code online}, {@code store}.
 */
package io.github.geministreams.topology;
