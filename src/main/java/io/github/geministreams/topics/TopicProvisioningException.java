package io.github.geministreams.topics;

/** The cluster's topics cannot be made to match topics.yaml; the message says what to do. */
public final class TopicProvisioningException extends RuntimeException {
    public TopicProvisioningException(String message) {
        super(message);
    }
}
