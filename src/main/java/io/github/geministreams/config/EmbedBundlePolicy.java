package io.github.geministreams.config;

import java.util.Locale;

/** When an embed bundle that is not full yet is sent. A full bundle is always sent at once. */
public enum EmbedBundlePolicy {
    /**
     * Once its oldest item has waited {@code embed.bundle.max.wait}, or sooner when a request
     * permit is free, the batch would not fill before that deadline at the current arrival
     * rate, and its items are fresh (not part of a backlog). Sparse prompts go out at once;
     * under load and behind a backlog, batches fill.
     */
    ADAPTIVE,
    /** Only once its oldest item has waited {@code embed.bundle.max.wait}. */
    FIXED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The policy named {@code name} (any case), or null. */
    public static EmbedBundlePolicy fromWireName(String name) {
        for (EmbedBundlePolicy policy : values()) {
            if (policy.wireName().equalsIgnoreCase(name)) {
                return policy;
            }
        }
        return null;
    }
}
