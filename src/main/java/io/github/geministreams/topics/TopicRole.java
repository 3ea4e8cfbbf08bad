package io.github.geministreams.topics;

/** The topics gemini-streams reads or writes, by the key under which topics.yaml declares them. */
public enum TopicRole {
    PROMPTS("prompts"),
    RESPONSES("responses"),
    EMBEDDINGS("embeddings"),
    DEAD_LETTER("dead-letter");

    private final String yamlKey;

    TopicRole(String yamlKey) {
        this.yamlKey = yamlKey;
    }

    public String yamlKey() {
        return yamlKey;
    }
}
