package dev.fleetpulse.infrastructure;

/**
 * The Prometheus rule files AMP loads, each as its own rule-groups namespace of the workspace: the same files the
 * local Prometheus loads, so the alerts and the recorded series on AWS are the ones the monitoring tests check.
 */
public enum RuleNamespace {

    /** The alerting rules, whose alerts AMP's Alertmanager sends to the SNS topic. */
    ALERTS("AlertRules", "fleetpulse", "monitoring/prometheus/rules/fleet-alerts.yml"),
    /** The recording rules the dashboard reads, e.g. the raw-event-writer's series count. */
    RECORDING("RecordingRules", "fleetpulse-recording", "monitoring/prometheus/rules/fleet-recording.yml");

    private final String constructId;
    private final String namespace;
    private final String file;

    RuleNamespace(String constructId, String namespace, String file) {
        this.constructId = constructId;
        this.namespace = namespace;
        this.file = file;
    }

    /** The id of the namespace's construct in the stack. */
    public String constructId() {
        return constructId;
    }

    /** The namespace's name in the workspace. */
    public String namespace() {
        return namespace;
    }

    /** The rule file, relative to the checkout's root. */
    public String file() {
        return file;
    }
}
