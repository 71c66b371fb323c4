package dev.fleetpulse.localstack;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Command-line options of {@link LocalStack}. */
public record LocalStackOptions(
        int kafkaPort,
        int prometheusPort,
        List<Path> rules,
        List<String> scrapeTargets,
        Optional<Path> dataDir,
        Map<String, Integer> topics) {

    public static final int DEFAULT_KAFKA_PORT = 9092;
    public static final int DEFAULT_PROMETHEUS_PORT = 9090;

    private static final List<String> OPTIONS = List.of(
            "--kafka-port", "--prometheus-port", "--rules", "--scrape", "--data-dir", "--topic");

    static final String USAGE = """
            Usage: LocalStack [options]
              --kafka-port N             Kafka listener on 127.0.0.1:N (default 9092; 0 = any free port)
              --prometheus-port N        Prometheus on 127.0.0.1:N (default 9090; 0 = any free port)
              --rules FILE|DIR           Prometheus rule file, or every rule file in DIR (repeatable)
              --scrape HOST:PORT         add a target to the "flink" scrape job (repeatable)
              --data-dir DIR             keep Kafka and Prometheus data in DIR/kafka and DIR/prometheus across runs
                                         (default: temporary directories, deleted on exit)
              --topic NAME:PARTITIONS    create a topic at start unless it exists (repeatable)
            """;

    public LocalStackOptions {
        rules = List.copyOf(rules);
        scrapeTargets = List.copyOf(scrapeTargets);
        topics = Map.copyOf(topics);
    }

    /**
     * Parses the command line; every problem is reported at once.
     *
     * @throws IllegalArgumentException listing each bad or unknown argument, followed by the usage text
     */
    public static LocalStackOptions parse(String... args) {
        int kafkaPort = DEFAULT_KAFKA_PORT;
        int prometheusPort = DEFAULT_PROMETHEUS_PORT;
        List<Path> rules = new ArrayList<>();
        List<String> scrapeTargets = new ArrayList<>();
        Path dataDir = null;
        Map<String, Integer> topics = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            if (!OPTIONS.contains(option)) {
                problems.add("unknown option " + option);
                continue;
            }
            if (i + 1 >= args.length) {
                problems.add(option + " needs a value");
                break;
            }
            String value = args[++i];
            switch (option) {
                case "--kafka-port" -> kafkaPort = port(option, value, problems);
                case "--prometheus-port" -> prometheusPort = port(option, value, problems);
                case "--rules" -> rules.add(Path.of(value));
                case "--scrape" -> {
                    if (value.matches("[^\\s/:]+:\\d{1,5}")) {
                        scrapeTargets.add(value);
                    } else {
                        problems.add("--scrape " + value + ": expected HOST:PORT, e.g. 127.0.0.1:9249");
                    }
                }
                case "--data-dir" -> dataDir = Path.of(value);
                default -> topic(value, topics, problems);
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("\n", problems) + "\n" + USAGE);
        }
        return new LocalStackOptions(kafkaPort, prometheusPort, rules, scrapeTargets, Optional.ofNullable(dataDir),
                topics);
    }

    private static int port(String option, String value, List<String> problems) {
        try {
            int port = Integer.parseInt(value);
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // Reported below with the option name, which the exception does not know.
        }
        problems.add(option + " " + value + ": expected a port number 0..65535");
        return 0;
    }

    private static void topic(String value, Map<String, Integer> topics, List<String> problems) {
        int colon = value.lastIndexOf(':');
        String name = colon > 0 ? value.substring(0, colon) : "";
        try {
            int partitions = Integer.parseInt(value.substring(colon + 1));
            if (!name.isEmpty() && partitions > 0) {
                topics.put(name, partitions);
                return;
            }
        } catch (NumberFormatException e) {
            // Reported below with the whole value.
        }
        problems.add("--topic " + value + ": expected NAME:PARTITIONS with PARTITIONS >= 1, e.g. vehicle-events:4");
    }
}
