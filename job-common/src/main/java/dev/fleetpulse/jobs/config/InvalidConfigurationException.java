package dev.fleetpulse.jobs.config;

import java.util.List;

/** Thrown before a job starts when its configuration has problems; the message lists every one of them. */
public final class InvalidConfigurationException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    public InvalidConfigurationException(String job, List<String> problems) {
        super("Invalid configuration for " + job + " (" + problems.size() + " problem"
                + (problems.size() == 1 ? "" : "s") + "):\n  - " + String.join("\n  - ", problems));
        this.problems = List.copyOf(problems);
    }

    /** Each problem, starting with the full key name, e.g. {@code "DataGen.events.per.sec: must be > 0, was 0"}. */
    public List<String> problems() {
        return problems;
    }
}
