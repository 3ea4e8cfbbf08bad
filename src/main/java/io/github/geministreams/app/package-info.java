/**
 * One running instance: wires the configuration, the Gemini clients, the topology and Kafka Streams;
 * waits for the broker, owns the state directory, pauses on an exhausted daily quota and drains on stop.
 */
package io.github.geministreams.app;
