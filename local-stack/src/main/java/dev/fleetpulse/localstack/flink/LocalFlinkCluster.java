package dev.fleetpulse.localstack.flink;

import dev.fleetpulse.localstack.Ports;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A real standalone Flink session cluster for tests: one JobManager JVM and any number of TaskManager JVMs, started
 * from the Maven-resolved Flink jars (no flink-dist exists on Maven Central), bound to 127.0.0.1 on free ports, all
 * files in one temporary directory. Jobs are submitted as jars through the REST API, as on any Flink cluster, so the
 * job's fat jar must bring its own connectors: the cluster's class path holds Flink and log4j only. Each submitted job
 * comes back as a {@link FlinkJob}, which waits on it, cancels or stops it; this class only runs the processes.
 *
 * <pre>{@code
 * try (LocalFlinkCluster flink = LocalFlinkCluster.builder().taskManagers(2).slotsPerTaskManager(2).start()) {
 *     FlinkJob job = flink.submitJar(jar, List.of("--config", file.toString()), 2);
 *     job.awaitStatus(FlinkJobStatus.RUNNING, Duration.ofSeconds(30));
 *     flink.killTaskManager(0);
 * }
 * }</pre>
 *
 * <p>TaskManagers are numbered in start order from 0, and a killed one keeps its number; its resource id, as the REST
 * API shows it, is {@link #taskManagerId(int)}.
 */
public final class LocalFlinkCluster implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalFlinkCluster.class);

    private static final String LOOPBACK = "127.0.0.1";
    private static final String JOB_MANAGER_MAIN = "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint";
    private static final String TASK_MANAGER_MAIN = "org.apache.flink.runtime.taskexecutor.TaskManagerRunner";
    private static final String BASH_JAVA_UTILS_MAIN = "org.apache.flink.runtime.util.bash.BashJavaUtils";
    private static final String BASH_JAVA_UTILS_RESULT = "BASH_JAVA_UTILS_EXEC_RESULT:";
    private static final Duration GRACEFUL_STOP = Duration.ofSeconds(15);
    private static final Duration RESOURCE_PARAMS_TIMEOUT = Duration.ofSeconds(60);

    /**
     * The module opens Flink's distribution passes to its JVMs on Java 17 (env.java.default-opts.all in its
     * config.yaml), so a job meets the same JVM here as on a real cluster, e.g. when Kryo touches JDK classes.
     */
    private static final List<String> JAVA_17_OPENS = Stream.concat(
            Stream.of("java.lang", "java.lang.reflect", "java.io", "java.net", "java.nio", "sun.nio.ch", "java.text",
                            "java.time", "java.util", "java.util.concurrent", "java.util.concurrent.atomic",
                            "java.util.concurrent.locks")
                    .map(pkg -> "--add-opens=java.base/" + pkg + "=ALL-UNNAMED"),
            Stream.of("--add-exports=java.base/sun.net.util=ALL-UNNAMED")).toList();

    private static final String LOG4J_CONFIG = """
            # Cluster JVMs log to stdout, which LocalFlinkCluster appends to one file per process in log/.
            rootLogger.level = INFO
            rootLogger.appenderRef.out.ref = Out
            appender.out.type = Console
            appender.out.name = Out
            appender.out.target = SYSTEM_OUT
            appender.out.layout.type = PatternLayout
            appender.out.layout.pattern = %d{HH:mm:ss,SSS} %-5p %-50c{1.} [%t] - %m%n
            """;

    private final Builder settings;
    private final Path workDirectory;
    private final Path confDirectory;
    private final Path logDirectory;
    private final String classPath;
    private final FlinkRestClient rest;
    private final List<FlinkProcess> allProcesses = new CopyOnWriteArrayList<>();
    private final List<FlinkProcess> taskManagers = new ArrayList<>();
    private final Set<FlinkProcess> killed = ConcurrentHashMap.newKeySet();
    private final Thread reaper;
    private FlinkProcess jobManager;
    private List<String> taskManagerJvmArgs;
    private List<String> taskManagerDynamicArgs;
    private boolean closed;

    private LocalFlinkCluster(Builder settings) {
        this.settings = settings;
        this.classPath = ClusterClassPath.resolve().stream().map(Path::toString)
                .collect(Collectors.joining(java.io.File.pathSeparator));
        this.rest = new FlinkRestClient(URI.create("http://" + LOOPBACK + ":" + Ports.freePort()));
        this.workDirectory = createTempDirectory();
        this.confDirectory = workDirectory.resolve("conf");
        this.logDirectory = workDirectory.resolve("log");
        // Registered before the first process starts: a test JVM that dies mid-start still leaves no Flink JVM behind.
        this.reaper = new Thread(this::reap, "local-flink-cluster-reaper");
        Runtime.getRuntime().addShutdownHook(reaper);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Settings of a cluster; every setting has a default sized for a 2-core machine that runs several JVMs. */
    public static final class Builder {

        private int taskManagers = 2;
        private int slotsPerTaskManager = 2;
        private String jobManagerProcessMemory = "1024m";
        private String taskManagerProcessMemory = "1280m";
        private int restartAttempts = 10;
        private Duration restartDelay = Duration.ofSeconds(1);
        private Duration startupTimeout = Duration.ofSeconds(90);
        private final Map<String, String> configuration = new LinkedHashMap<>();

        private Builder() {
        }

        public Builder taskManagers(int count) {
            if (count < 1) {
                throw new IllegalArgumentException("A cluster needs at least one TaskManager, got " + count);
            }
            this.taskManagers = count;
            return this;
        }

        /** {@code taskmanager.numberOfTaskSlots}. For recovery after a kill, the survivors need the job's slots. */
        public Builder slotsPerTaskManager(int slots) {
            if (slots < 1) {
                throw new IllegalArgumentException("taskmanager.numberOfTaskSlots must be at least 1, got " + slots);
            }
            this.slotsPerTaskManager = slots;
            return this;
        }

        /** {@code jobmanager.memory.process.size}, e.g. "1024m". */
        public Builder jobManagerProcessMemory(String size) {
            this.jobManagerProcessMemory = Objects.requireNonNull(size, "size");
            return this;
        }

        /** {@code taskmanager.memory.process.size}, e.g. "1280m"; raise it when several jobs share a TaskManager. */
        public Builder taskManagerProcessMemory(String size) {
            this.taskManagerProcessMemory = Objects.requireNonNull(size, "size");
            return this;
        }

        /** The cluster-wide fixed-delay restart strategy; a job that sets its own strategy overrides it. */
        public Builder restartStrategy(int attempts, Duration delay) {
            if (attempts < 1) {
                throw new IllegalArgumentException("restart attempts must be at least 1, got " + attempts);
            }
            this.restartAttempts = attempts;
            this.restartDelay = Objects.requireNonNull(delay, "delay");
            return this;
        }

        /** How long to wait for the REST API and for each TaskManager to register. */
        public Builder startupTimeout(Duration timeout) {
            this.startupTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /** Any config.yaml entry; it wins over the defaults, so use it knowingly for addresses and ports. */
        public Builder configure(String key, String value) {
            configuration.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** Starts the JobManager and the TaskManagers and returns once all TaskManagers are registered. */
        public LocalFlinkCluster start() {
            LocalFlinkCluster cluster = new LocalFlinkCluster(this);
            try {
                cluster.startProcesses();
                return cluster;
            } catch (RuntimeException e) {
                cluster.close();
                throw e;
            }
        }
    }

    private void writeConfiguration() {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("jobmanager.rpc.address", LOOPBACK);
        config.put("jobmanager.rpc.port", Integer.toString(Ports.freePort()));
        config.put("jobmanager.bind-host", LOOPBACK);
        config.put("jobmanager.memory.process.size", settings.jobManagerProcessMemory);
        // The TaskManagers register with an IP already; a reverse DNS lookup would only cost time.
        config.put("jobmanager.retrieve-taskmanager-hostname", "false");
        config.put("taskmanager.bind-host", LOOPBACK);
        config.put("taskmanager.host", LOOPBACK);
        config.put("taskmanager.numberOfTaskSlots", Integer.toString(settings.slotsPerTaskManager));
        config.put("taskmanager.memory.process.size", settings.taskManagerProcessMemory);
        // The hashmap state backend keeps state on the heap; managed memory would only serve RocksDB or batch sorting.
        config.put("taskmanager.memory.managed.size", "64m");
        // Spread a job's slots over all TaskManagers, so that killing any one of them hits the job.
        config.put("taskmanager.load-balance.mode", "SLOTS");
        config.put("rest.address", LOOPBACK);
        config.put("rest.bind-address", LOOPBACK);
        config.put("rest.port", Integer.toString(rest.base().getPort()));
        config.put("blob.server.port", Integer.toString(Ports.freePort()));
        config.put("parallelism.default", "1");
        config.put("state.backend.type", "hashmap");
        config.put("execution.checkpointing.dir", workDirectory.resolve("checkpoints").toUri().toString());
        config.put("execution.checkpointing.savepoint-dir", workDirectory.resolve("savepoints").toUri().toString());
        config.put("restart-strategy.type", "fixed-delay");
        config.put("restart-strategy.fixed-delay.attempts", Integer.toString(settings.restartAttempts));
        config.put("restart-strategy.fixed-delay.delay", settings.restartDelay.toMillis() + " ms");
        // A killed TaskManager refuses RPC at once; with two failed heartbeats 2 s apart the JobManager drops it
        // within seconds instead of the default 50 s timeout, and the job's restart stops waiting for its slots.
        config.put("heartbeat.interval", "2 s");
        config.put("heartbeat.timeout", "10 s");
        config.put("heartbeat.rpc-failure-threshold", "2");
        // Everything Flink writes (blobs, the extracted RPC jar, uploaded jars, local state) stays in the work directory.
        config.put("io.tmp.dirs", workDirectory.resolve("tmp").toString());
        config.put("web.tmpdir", workDirectory.resolve("tmp").resolve("web").toString());
        config.put("web.upload.dir", workDirectory.resolve("jars").toString());
        config.putAll(settings.configuration);
        try {
            Files.createDirectories(confDirectory);
            Files.createDirectories(logDirectory);
            Files.createDirectories(workDirectory.resolve("tmp"));
            Files.createDirectories(workDirectory.resolve("jars"));
            Files.writeString(confDirectory.resolve("log4j2.properties"), LOG4J_CONFIG, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot prepare the Flink cluster directory " + workDirectory, e);
        }
        ClusterConfigFile.write(confDirectory, config);
    }

    private void startProcesses() {
        long started = System.nanoTime();
        writeConfiguration();
        // Two short JVMs side by side: JVM start-up dominates, and each process has its own log file.
        CompletableFuture<List<String>> taskManagerFuture =
                CompletableFuture.supplyAsync(() -> resourceParams("GET_TM_RESOURCE_PARAMS", "taskmanager"));
        List<String> jobManagerParams = resourceParams("GET_JM_RESOURCE_PARAMS", "jobmanager");
        List<String> taskManagerParams = joinResourceParams(taskManagerFuture);
        taskManagerJvmArgs = splitArgs(taskManagerParams.get(0));
        taskManagerDynamicArgs = splitArgs(taskManagerParams.get(1));

        Path jobManagerLog = logDirectory.resolve("jobmanager.log");
        List<String> jobManagerCommand = javaCommand(splitArgs(jobManagerParams.get(0)), jobManagerLog, JOB_MANAGER_MAIN);
        jobManagerCommand.addAll(splitArgs(jobManagerParams.get(1)));
        jobManager = FlinkProcess.start("JobManager", jobManagerCommand, jobManagerLog);
        allProcesses.add(jobManager);

        // TaskManagers retry until the JobManager answers, so all JVMs warm up at the same time.
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < settings.taskManagers; i++) {
            expected.add(launchTaskManager());
        }
        awaitStartup("the Flink REST API at " + rest.base(), rest::isUp);
        awaitTaskManagersRegistered(expected);
        LOG.info("Flink cluster up at {} in {} ms: JobManager pid {}, TaskManager pids {}; logs in {}", rest.base(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), jobManager.handle().pid(),
                taskManagers.stream().map(tm -> Long.toString(tm.handle().pid())).collect(Collectors.joining(",")),
                logDirectory);
    }

    /**
     * Runs Flink's BashJavaUtils as flink-dist's scripts do: it derives the JVM flags (heap, direct memory, metaspace)
     * and the -D settings (memory pools, CPU cores) a process needs from config.yaml. A TaskManager started without
     * them fails on taskmanager.cpu.cores.
     */
    private List<String> resourceParams(String command, String process) {
        Path log = logDirectory.resolve("bash-java-utils-" + process + ".log");
        List<String> cmd = new ArrayList<>(List.of(javaExecutable(), "-Xmx128m",
                "-Dlog4j.configurationFile=" + confDirectory.resolve("log4j2.properties").toUri(),
                "-cp", classPath, BASH_JAVA_UTILS_MAIN, command, "--configDir", confDirectory.toString()));
        try {
            Process utils = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.to(log.toFile())).start();
            utils.getOutputStream().close();
            if (!utils.waitFor(RESOURCE_PARAMS_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                utils.destroyForcibly().waitFor();
                throw new IllegalStateException("BashJavaUtils " + command + " did not finish within "
                        + RESOURCE_PARAMS_TIMEOUT + "; see " + log);
            }
            List<String> output = Files.readAllLines(log, StandardCharsets.UTF_8);
            List<String> results = output.stream().filter(line -> line.startsWith(BASH_JAVA_UTILS_RESULT))
                    .map(line -> line.substring(BASH_JAVA_UTILS_RESULT.length())).toList();
            if (utils.exitValue() != 0 || results.size() < 2) {
                throw new IllegalStateException("BashJavaUtils " + command + " exited with " + utils.exitValue()
                        + " and printed " + results.size() + " result lines (2 expected). Output:\n"
                        + String.join("\n", output));
            }
            return results.subList(results.size() - 2, results.size());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot run BashJavaUtils " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while running BashJavaUtils " + command, e);
        }
    }

    private static List<String> joinResourceParams(CompletableFuture<List<String>> params) {
        try {
            return params.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    private String launchTaskManager() {
        int index = taskManagers.size();
        String resourceId = taskManagerId(index);
        Path log = logDirectory.resolve("taskmanager-" + index + ".log");
        List<String> command = javaCommand(taskManagerJvmArgs, log, TASK_MANAGER_MAIN);
        command.addAll(taskManagerDynamicArgs);
        // A stable resource id lets tests and the REST API name the same TaskManager.
        command.addAll(List.of("-D", "taskmanager.resource-id=" + resourceId));
        FlinkProcess taskManager = FlinkProcess.start("TaskManager " + index, command, log);
        taskManagers.add(taskManager);
        allProcesses.add(taskManager);
        return resourceId;
    }

    private List<String> javaCommand(List<String> jvmArgs, Path logFile, String mainClass) {
        List<String> command = new ArrayList<>();
        command.add(javaExecutable());
        command.addAll(jvmArgs);
        command.addAll(JAVA_17_OPENS);
        // log.file is where Flink's web UI and REST log endpoints look for the process's log.
        command.add("-Dlog.file=" + logFile);
        command.add("-Dlog4j.configurationFile=" + confDirectory.resolve("log4j2.properties").toUri());
        command.add("-Djava.io.tmpdir=" + workDirectory.resolve("tmp"));
        command.addAll(List.of("-cp", classPath, mainClass, "--configDir", confDirectory.toString()));
        return command;
    }

    private static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static List<String> splitArgs(String line) {
        return Arrays.stream(line.trim().split("\\s+")).filter(arg -> !arg.isEmpty()).toList();
    }

    /** The REST API's base URI, e.g. for a {@code StreamExecutionEnvironment.createRemoteEnvironment}. */
    public URI restUri() {
        return rest.base();
    }

    /** The temporary directory with conf/, log/, checkpoints/, savepoints/ and tmp/; deleted by {@link #close()}. */
    public Path workDirectory() {
        return workDirectory;
    }

    public Path jobManagerLog() {
        return jobManager.logFile();
    }

    public Path taskManagerLog(int index) {
        return taskManager(index).logFile();
    }

    /** Every process this cluster started, dead ones included: for checking that none outlives {@link #close()}. */
    public List<ProcessHandle> processes() {
        return allProcesses.stream().map(FlinkProcess::handle).toList();
    }

    /** {@code POST /jars/upload}; returns the jar id for {@link #runJar}. */
    public String uploadJar(Path jar) {
        return rest.uploadJar(jar);
    }

    /**
     * {@code POST /jars/:jarId/run} with the jar's manifest main class. Flink runs the main method inside the
     * JobManager and answers once the job is submitted.
     */
    public FlinkJob runJar(String jarId, List<String> programArgs, int parallelism) {
        return job(rest.runJar(jarId, List.copyOf(programArgs), parallelism, null));
    }

    /** As {@link #runJar(String, List, int)}, restoring from a savepoint or retained checkpoint path. */
    public FlinkJob runJar(String jarId, List<String> programArgs, int parallelism, String savepointPath) {
        return job(rest.runJar(jarId, List.copyOf(programArgs), parallelism,
                Objects.requireNonNull(savepointPath, "savepointPath")));
    }

    /** Upload and run in one call. */
    public FlinkJob submitJar(Path jar, List<String> programArgs, int parallelism) {
        return runJar(uploadJar(jar), programArgs, parallelism);
    }

    /**
     * Cancels every job that has not ended and waits until each is CANCELED: between the tests of a shared cluster,
     * so one test's job never holds the slots the next one needs.
     */
    public void cancelAllJobs() {
        rest.jobs().forEach((jobId, status) -> {
            if (!status.isGloballyTerminal()) {
                job(jobId).cancel();
            }
        });
    }

    private FlinkJob job(String jobId) {
        return new FlinkJob(jobId, rest, jobManager.logFile());
    }

    public List<RegisteredTaskManager> registeredTaskManagers() {
        return rest.taskManagers();
    }

    /** The resource id of the {@code index}-th TaskManager this cluster started, as the REST API reports it. */
    public static String taskManagerId(int index) {
        return "taskmanager-" + index;
    }

    /** Kills the TaskManager's JVM with SIGKILL and waits until it is gone; the JobManager notices by heartbeat. */
    public void killTaskManager(int index) {
        FlinkProcess taskManager = taskManager(index);
        if (!taskManager.isAlive()) {
            throw new IllegalStateException("TaskManager " + index + " is not running: " + taskManager.exitDescription());
        }
        killed.add(taskManager);
        taskManager.kill();
        LOG.info("Killed TaskManager {} ({})", index, taskManagerId(index));
    }

    /** Starts one more TaskManager and waits until it is registered; returns its index. */
    public int startTaskManager() {
        String resourceId = launchTaskManager();
        awaitTaskManagersRegistered(List.of(resourceId));
        return taskManagers.size() - 1;
    }

    private FlinkProcess taskManager(int index) {
        if (index < 0 || index >= taskManagers.size()) {
            throw new IllegalArgumentException("No TaskManager " + index + "; this cluster started "
                    + taskManagers.size() + " (indexes 0.." + (taskManagers.size() - 1) + ")");
        }
        return taskManagers.get(index);
    }

    private void awaitTaskManagersRegistered(List<String> resourceIds) {
        // A TaskManager is listed as soon as it registers, but offers its slots a moment later; wait for those.
        awaitStartup("TaskManagers " + resourceIds + " to register with their slots",
                () -> rest.isUp() && rest.taskManagers().stream().filter(taskManager -> taskManager.slots() > 0)
                        .map(RegisteredTaskManager::id).toList().containsAll(resourceIds));
    }

    /**
     * Waits up to the startup timeout for {@code condition}; fails at once with its log's tail if a process that was
     * not killed on purpose has died, since it will never register then.
     */
    private void awaitStartup(String what, BooleanSupplier condition) {
        Await.until(settings.startupTimeout, condition::getAsBoolean, Boolean::booleanValue,
                notYet -> {
                    for (FlinkProcess process : allProcesses) {
                        if (!process.isAlive() && !killed.contains(process)) {
                            throw new IllegalStateException(process.name() + " " + process.exitDescription()
                                    + " while waiting for " + what + ". Last lines of " + process.logFile() + ":\n"
                                    + process.logTail());
                        }
                    }
                },
                notYet -> new IllegalStateException("Timed out after " + settings.startupTimeout + " waiting for "
                        + what + ". Last lines of " + jobManager.logFile() + ":\n" + jobManager.logTail()));
    }

    /** Stops every process (SIGTERM, then SIGKILL after 15 s) and deletes the work directory. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        long deadline = System.nanoTime() + GRACEFUL_STOP.toNanos();
        for (FlinkProcess process : allProcesses) {
            process.requestStop();
        }
        for (FlinkProcess process : allProcesses) {
            process.awaitExitOrKill(deadline);
        }
        deleteRecursively(workDirectory);
        try {
            Runtime.getRuntime().removeShutdownHook(reaper);
        } catch (IllegalStateException alreadyShuttingDown) {
            // The JVM is exiting and the reaper runs anyway; it finds nothing left to kill.
        }
    }

    private void reap() {
        for (FlinkProcess process : allProcesses) {
            process.destroyForcibly();
        }
        for (FlinkProcess process : allProcesses) {
            process.awaitExitOrKill(System.nanoTime() + TimeUnit.SECONDS.toNanos(5));
        }
        try {
            deleteRecursively(workDirectory);
        } catch (UncheckedIOException e) {
            // Nothing to report to in a shutdown hook; the directory is in the system temp dir.
        }
    }

    private static Path createTempDirectory() {
        try {
            return Files.createTempDirectory("fleetpulse-flink-");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a temporary directory for the Flink cluster", e);
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete the Flink cluster directory " + dir, e);
        }
    }
}
