package dev.fleetpulse.infrastructure;

import dev.fleetpulse.generator.GeneratorConfig;
import dev.fleetpulse.preprocessor.PreProcessorConfig;
import dev.fleetpulse.rawwriter.RawEventWriterConfig;

/**
 * The three jobs the stack deploys. A job's name is also its Maven module and artifact id, so it names the shaded
 * jar ({@code <name>/target/<name>-<version>.jar}) and, prefixed with the stack name, the MSF application.
 */
public enum FlinkJob {

    VEHICLE_EVENT_GENERATOR(GeneratorConfig.JOB_NAME, "Generator"),
    PRE_PROCESSOR(PreProcessorConfig.JOB_NAME, "PreProcessor"),
    RAW_EVENT_WRITER(RawEventWriterConfig.JOB_NAME, "RawEventWriter");

    private final String jobName;
    private final String constructId;

    FlinkJob(String jobName, String constructId) {
        this.jobName = jobName;
        this.constructId = constructId;
    }

    /** The job's name, e.g. {@code pre-processor}: module, artifact id, and the suffix of the MSF application name. */
    public String jobName() {
        return jobName;
    }

    /** The id of the job's construct, also the prefix of its stack parameters and outputs, e.g. {@code PreProcessor}. */
    public String constructId() {
        return constructId;
    }
}
