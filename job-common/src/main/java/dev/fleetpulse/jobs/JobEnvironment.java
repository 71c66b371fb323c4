package dev.fleetpulse.jobs;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.fleetpulse.jobs.metrics.LoopbackPrometheusReporterFactory;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.streaming.api.environment.LocalStreamEnvironment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.TimeUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The execution environment of a FleetPulse job, for both ways a job runs:
 *
 * <ul>
 *   <li><b>Submitted</b> to a Flink cluster or to Amazon Managed Service for Apache Flink: the client installs a
 *       context environment, and {@link StreamExecutionEnvironment#getExecutionEnvironment()} returns it. The
 *       service owns checkpointing, parallelism and the web UI; this class leaves them alone.</li>
 *   <li><b>Local</b> (IDE, {@code java -cp}, a jar built with the {@code local} profile): no context environment
 *       exists, so Flink answers a {@link LocalStreamEnvironment}. Then this class starts its own MiniCluster bound
 *       to 127.0.0.1 (by default it binds every interface), checkpoints every
 *       10 s unless told otherwise (so state and exactly-once Kafka
 *       transactions behave as in production), and serves the Flink web UI on 127.0.0.1 when asked.</li>
 * </ul>
 *
 * Local runs take these command-line flags (see {@code ApplicationProperties#flags()}):
 * {@code --web-ui [port]} (default port {@value #DEFAULT_WEB_UI_PORT}), {@code --checkpoint-interval DURATION}
 * ({@code 10s}, {@code 500ms}; {@code 0} or {@code off} disables), {@code --parallelism N},
 * {@code --metrics-port N} (serve the job's Flink metrics for Prometheus at {@code http://127.0.0.1:N/metrics}) and
 * {@code --state-backend hashmap|rocksdb} (Flink's {@code state.backend.type}; {@code rocksdb} is what MSF runs, and
 * needs {@code flink-statebackend-rocksdb} on the class path, which the jobs declare {@code provided}).
 *
 * <p>Object reuse is on in both cases: every record type of our jobs is an immutable record and no function keeps a
 * reference to its input, so handing chained operators the same object is safe and saves a copy per record.
 */
public final class JobEnvironment {

    private static final Logger LOG = LoggerFactory.getLogger(JobEnvironment.class);

    public static final String LOOPBACK = "127.0.0.1";
    public static final String WEB_UI_FLAG = "web-ui";
    public static final String CHECKPOINT_INTERVAL_FLAG = "checkpoint-interval";
    public static final String PARALLELISM_FLAG = "parallelism";
    public static final String METRICS_PORT_FLAG = "metrics-port";
    public static final String STATE_BACKEND_FLAG = "state-backend";
    /** Read by {@code ApplicationProperties}, listed here so it is not reported as unknown. */
    private static final String CONFIG_FLAG = "config";
    private static final Set<String> KNOWN_FLAGS = Set.of(WEB_UI_FLAG, CHECKPOINT_INTERVAL_FLAG, PARALLELISM_FLAG,
            METRICS_PORT_FLAG, STATE_BACKEND_FLAG, CONFIG_FLAG);

    public static final int DEFAULT_WEB_UI_PORT = 8081;
    /** Where local runs keep their checkpoints. */
    public static final Path LOCAL_CHECKPOINTS = Path.of(System.getProperty("java.io.tmpdir"), "fleetpulse-checkpoints");
    public static final Duration DEFAULT_CHECKPOINT_INTERVAL = Duration.ofSeconds(10);
    /** Flink's default state backend: keyed state as objects on the heap. */
    public static final String HASHMAP = "hashmap";
    /** The state backend of Amazon Managed Service for Apache Flink: keyed state serialized in embedded RocksDB. */
    public static final String ROCKSDB = "rocksdb";
    private static final String ROCKSDB_FACTORY = "org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackendFactory";
    /**
     * RocksDB's {@code RocksDBOptions.USE_PARTITIONED_INDEX_FILTERS}, named here because job-common compiles without
     * the RocksDB backend. A local run gives RocksDB only a MiniCluster's small default of managed memory; without
     * partitioned indexes, a large state's index blocks do not stay in that cache, and each read loads and
     * decompresses a whole index block (docs/benchmarks.md, fleet scale).
     */
    static final String ROCKSDB_PARTITIONED_INDEX_FILTERS = "state.backend.rocksdb.memory.partitioned-index-filters";

    /** A resource of flink-runtime-web: present means the MiniCluster can serve the web UI. */
    private static final String WEB_UI_RESOURCE = "web/index.html";

    private JobEnvironment() {
    }

    /**
     * How a local run is set up.
     *
     * @param webUiPort port of the Flink web UI on 127.0.0.1; 0 for none (the REST endpoint then takes any free port)
     * @param checkpointInterval {@link Duration#ZERO} disables checkpointing
     * @param parallelism 0 for Flink's default (the number of cores)
     * @param metricsPort port on 127.0.0.1 where Prometheus can scrape the job's Flink metrics; 0 for none
     * @param stateBackend {@value #HASHMAP} or {@value #ROCKSDB}
     */
    public record LocalOptions(int webUiPort, Duration checkpointInterval, int parallelism, int metricsPort,
                               String stateBackend) {

        public static final LocalOptions DEFAULTS = new LocalOptions(0, DEFAULT_CHECKPOINT_INTERVAL, 0, 0, HASHMAP);

        public LocalOptions {
            if (webUiPort < 0 || webUiPort > 65_535) {
                throw new IllegalArgumentException("webUiPort must be in [0, 65535], was " + webUiPort);
            }
            if (checkpointInterval.isNegative()) {
                throw new IllegalArgumentException("checkpointInterval must not be negative, was " + checkpointInterval);
            }
            if (parallelism < 0) {
                throw new IllegalArgumentException("parallelism must not be negative, was " + parallelism);
            }
            if (metricsPort < 0 || metricsPort > 65_535) {
                throw new IllegalArgumentException("metricsPort must be in [0, 65535], was " + metricsPort);
            }
            if (!stateBackend.equals(HASHMAP) && !stateBackend.equals(ROCKSDB)) {
                throw new IllegalArgumentException("stateBackend must be " + HASHMAP + " or " + ROCKSDB + ", was "
                        + stateBackend);
            }
        }

        /**
         * Reads {@code --web-ui [port]}, {@code --checkpoint-interval DURATION}, {@code --parallelism N},
         * {@code --metrics-port N} and {@code --state-backend hashmap|rocksdb}.
         *
         * @throws IllegalArgumentException listing every bad flag value
         */
        public static LocalOptions fromFlags(Map<String, String> flags) {
            List<String> problems = new ArrayList<>();
            int webUiPort = 0;
            String webUi = flags.get(WEB_UI_FLAG);
            if (webUi != null) {
                webUiPort = "true".equals(webUi) ? DEFAULT_WEB_UI_PORT : parseInt(webUi, 1, 65_535, WEB_UI_FLAG, problems);
            }
            Duration interval = DEFAULT_CHECKPOINT_INTERVAL;
            String intervalText = flags.get(CHECKPOINT_INTERVAL_FLAG);
            if (intervalText != null) {
                interval = parseInterval(intervalText, problems);
            }
            int parallelism = 0;
            String parallelismText = flags.get(PARALLELISM_FLAG);
            if (parallelismText != null) {
                parallelism = parseInt(parallelismText, 1, 10_000, PARALLELISM_FLAG, problems);
            }
            int metricsPort = 0;
            String metricsPortText = flags.get(METRICS_PORT_FLAG);
            if (metricsPortText != null) {
                metricsPort = parseInt(metricsPortText, 1, 65_535, METRICS_PORT_FLAG, problems);
            }
            String stateBackend = flags.getOrDefault(STATE_BACKEND_FLAG, HASHMAP).strip();
            if (!stateBackend.equals(HASHMAP) && !stateBackend.equals(ROCKSDB)) {
                problems.add("--" + STATE_BACKEND_FLAG + " must be " + HASHMAP + " or " + ROCKSDB + ", was '"
                        + stateBackend + "'");
                stateBackend = HASHMAP;
            }
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException("Bad command-line flags:\n  - " + String.join("\n  - ", problems));
            }
            return new LocalOptions(webUiPort, interval, parallelism, metricsPort, stateBackend);
        }

        private static int parseInt(String text, int min, int max, String flag, List<String> problems) {
            try {
                int value = Integer.parseInt(text.strip());
                if (value >= min && value <= max) {
                    return value;
                }
            } catch (NumberFormatException e) {
                // reported below, with the flag's name and the accepted range
            }
            problems.add("--" + flag + " must be an integer in [" + min + ", " + max + "], was '" + text + "'");
            return 0;
        }

        private static Duration parseInterval(String text, List<String> problems) {
            String value = text.strip();
            if (value.equals("0") || value.equalsIgnoreCase("off")) {
                return Duration.ZERO;
            }
            try {
                Duration parsed = TimeUtils.parseDuration(value);
                if (!parsed.isNegative()) {
                    return parsed;
                }
            } catch (IllegalArgumentException e) {
                // reported below, with an example of what is accepted
            }
            problems.add("--" + CHECKPOINT_INTERVAL_FLAG + " must be a duration such as 10s or 500ms, or off; was '"
                    + text + "'");
            return DEFAULT_CHECKPOINT_INTERVAL;
        }
    }

    /**
     * The environment to build the job on: the cluster's when submitted, otherwise a local MiniCluster on 127.0.0.1
     * configured from the command-line flags.
     */
    public static StreamExecutionEnvironment create(Map<String, String> flags) {
        StreamExecutionEnvironment context = StreamExecutionEnvironment.getExecutionEnvironment();
        if (!(context instanceof LocalStreamEnvironment)) {
            List<String> ignored = flags.keySet().stream().filter(f -> !f.equals(CONFIG_FLAG)).sorted().toList();
            if (!ignored.isEmpty()) {
                LOG.warn("Running on a cluster: ignoring the local-run flags {}; the cluster's configuration decides",
                        ignored);
            }
            context.getConfig().enableObjectReuse();
            LOG.info("Running on a cluster ({}): checkpointing and parallelism as the cluster configures them",
                    context.getClass().getSimpleName());
            return context;
        }
        flags.keySet().stream().filter(f -> !KNOWN_FLAGS.contains(f)).sorted().forEach(f ->
                LOG.warn("Ignoring unknown flag --{}; known: --{}, --{}, --{}, --{}, --{}, --{}", f,
                        CONFIG_FLAG, WEB_UI_FLAG, CHECKPOINT_INTERVAL_FLAG, PARALLELISM_FLAG, METRICS_PORT_FLAG,
                        STATE_BACKEND_FLAG));
        return createLocal(LocalOptions.fromFlags(flags));
    }

    /** A local MiniCluster environment bound to 127.0.0.1. */
    public static StreamExecutionEnvironment createLocal(LocalOptions options) {
        Configuration config = loopbackConfiguration();
        config.set(PipelineOptions.OBJECT_REUSE, true);
        if (options.parallelism() > 0) {
            config.set(CoreOptions.DEFAULT_PARALLELISM, options.parallelism());
        }
        if (!options.checkpointInterval().isZero()) {
            // Flink's default keeps checkpoints in the JobManager's memory, capped at 5 MiB per subtask state: the
            // generator with 100k vehicles at parallelism 1 exceeds it, and then every checkpoint fails and the job
            // restarts for ever. On disk there is no such cap; each job writes under its own job-id directory.
            config.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
            config.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, LOCAL_CHECKPOINTS.toUri().toString());
        }
        config.set(StateBackendOptions.STATE_BACKEND, stateBackend(options.stateBackend()));
        if (options.stateBackend().equals(ROCKSDB)) {
            config.setString(ROCKSDB_PARTITIONED_INDEX_FILTERS, "true");
        }
        if (options.metricsPort() > 0) {
            config.setString("metrics.reporter.prom.factory.class", LoopbackPrometheusReporterFactory.class.getName());
            config.setString("metrics.reporter.prom." + LoopbackPrometheusReporterFactory.PORT,
                    Integer.toString(options.metricsPort()));
        }
        StreamExecutionEnvironment env;
        if (options.webUiPort() > 0) {
            config.set(RestOptions.PORT, options.webUiPort());
            env = StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(config);
            if (JobEnvironment.class.getClassLoader().getResource(WEB_UI_RESOURCE) == null) {
                LOG.warn("--web-ui: flink-runtime-web is not on the class path, so only the REST API answers at "
                        + "http://{}:{}. Run with the provided dependencies on the class path (see docs/local-setup.md).",
                        LOOPBACK, options.webUiPort());
            } else {
                LOG.info("Flink web UI: http://{}:{}", LOOPBACK, options.webUiPort());
            }
        } else {
            env = StreamExecutionEnvironment.createLocalEnvironment(config);
        }
        if (!options.checkpointInterval().isZero()) {
            env.enableCheckpointing(options.checkpointInterval().toMillis());
        }
        LOG.info("Running locally on a MiniCluster bound to {}: parallelism {}, checkpoint interval {}, "
                + "state backend {}", LOOPBACK, env.getParallelism(),
                options.checkpointInterval().isZero() ? "off" : options.checkpointInterval(), options.stateBackend());
        return env;
    }

    /**
     * The state backend's name for Flink, after checking that RocksDB can be loaded: otherwise Flink would fail only
     * at job submission, with a class-loading error that does not say which jar is missing.
     */
    private static String stateBackend(String name) {
        if (name.equals(ROCKSDB)) {
            try {
                Class.forName(ROCKSDB_FACTORY, false, JobEnvironment.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException("--" + STATE_BACKEND_FLAG + " " + ROCKSDB + " needs "
                        + "org.apache.flink:flink-statebackend-rocksdb on the class path; the jobs declare it "
                        + "provided, so run with the provided dependencies (scripts/run-job.sh, or IntelliJ's \"Add "
                        + "dependencies with provided scope to classpath\")", e);
            }
        }
        return name;
    }

    /**
     * MiniCluster settings that keep every listener on 127.0.0.1 (Flink binds all interfaces by default); the REST
     * endpoint takes any free port. Tests that start their own MiniCluster use this too.
     */
    public static Configuration loopbackConfiguration() {
        Configuration config = new Configuration();
        config.set(RestOptions.BIND_ADDRESS, LOOPBACK);
        config.set(RestOptions.ADDRESS, LOOPBACK);
        config.set(RestOptions.PORT, 0);
        config.set(JobManagerOptions.BIND_HOST, LOOPBACK);
        config.set(JobManagerOptions.ADDRESS, LOOPBACK);
        config.set(TaskManagerOptions.BIND_HOST, LOOPBACK);
        config.set(TaskManagerOptions.HOST, LOOPBACK);
        return config;
    }
}
