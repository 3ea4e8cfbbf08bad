package io.github.geministreams.config;

import java.util.Locale;

/** Keeps secrets out of logs: which keys hold one, and how a secret is shown. */
public final class Secrets {
    public static final String MASK = "******";

    private Secrets() {
    }

    /** Kafka keys whose values are credentials (sasl.jaas.config, ssl.keystore.password, ...). */
    public static boolean isSecretKey(String key) {
        String lower = key.toLowerCase(Locale.ROOT);
        return lower.contains("password") || lower.contains("jaas") || lower.contains("secret")
                || lower.contains("api.key") || lower.contains("token") || lower.contains("credential");
    }
}
