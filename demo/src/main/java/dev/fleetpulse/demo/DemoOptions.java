package dev.fleetpulse.demo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Command-line options of the demo. Defaults run comfortably on a 2-core machine.
 *
 * @param vehicles simulated vehicles
 * @param eventsPerSec the generator's total rate
 * @param duration how long to run; {@link Duration#ZERO} until Ctrl-C
 * @param kafkaPort Kafka on 127.0.0.1 (0: any free port)
 * @param prometheusPort Prometheus on 127.0.0.1 (0: any free port)
 * @param firstWebUiPort Flink web UIs of the generator, pre-processor and raw writer on this port and the next two
 * @param firstMetricsPort the jobs' Flink metrics for Prometheus on this port and the next two
 * @param rules Prometheus rule files or directories to load
 */
public record DemoOptions(int vehicles, long eventsPerSec, Duration duration, int kafkaPort, int prometheusPort,
                          int firstWebUiPort, int firstMetricsPort, List<Path> rules) {

    static final String USAGE = """
            Usage: demo.sh [options]
              --vehicles N          simulated vehicles (default 200)
              --rate N              events per second, all vehicles together (default 400)
              --duration D          stop after D, e.g. 90s, 10m (default: run until Ctrl-C)
              --kafka-port N        Kafka on 127.0.0.1:N (default 9092)
              --prometheus-port N   Prometheus on 127.0.0.1:N (default 9090)
              --web-ui-port N       Flink web UIs on N, N+1, N+2 (default 8081)
              --metrics-port N      the jobs' Flink metrics on N, N+1, N+2 (default 9249)
              --rules PATH          Prometheus rule file or directory (default monitoring/prometheus/rules)
            """;

    public DemoOptions {
        rules = List.copyOf(rules);
    }

    /** Parses the command line, reporting every problem at once. */
    public static DemoOptions parse(String... args) {
        int vehicles = 200;
        long rate = 400;
        Duration duration = Duration.ZERO;
        int kafkaPort = 9092;
        int prometheusPort = 9090;
        int webUiPort = 8081;
        int metricsPort = 9249;
        List<Path> rules = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            if (i + 1 >= args.length) {
                problems.add(option + " needs a value");
                break;
            }
            String value = args[++i];
            switch (option) {
                case "--vehicles" -> vehicles = (int) number(option, value, 1, 1_000_000, problems);
                case "--rate" -> rate = number(option, value, 1, 10_000_000, problems);
                case "--duration" -> duration = duration(option, value, problems);
                case "--kafka-port" -> kafkaPort = (int) number(option, value, 0, 65_535, problems);
                case "--prometheus-port" -> prometheusPort = (int) number(option, value, 0, 65_535, problems);
                case "--web-ui-port" -> webUiPort = (int) number(option, value, 1, 65_533, problems);
                case "--metrics-port" -> metricsPort = (int) number(option, value, 1, 65_533, problems);
                case "--rules" -> rules.add(Path.of(value));
                default -> problems.add("unknown option " + option);
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("\n", problems) + "\n\n" + USAGE);
        }
        if (rules.isEmpty() && Files.isDirectory(Path.of("monitoring/prometheus/rules"))) {
            rules.add(Path.of("monitoring/prometheus/rules"));
        }
        return new DemoOptions(vehicles, rate, duration, kafkaPort, prometheusPort, webUiPort, metricsPort, rules);
    }

    private static long number(String option, String value, long min, long max, List<String> problems) {
        try {
            long n = Long.parseLong(value);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below with the accepted range
        }
        problems.add(option + " must be an integer in [" + min + ", " + max + "], was '" + value + "'");
        return min;
    }

    private static Duration duration(String option, String value, List<String> problems) {
        String v = value.strip().toLowerCase(Locale.ROOT);
        try {
            if (v.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
            }
            long n = Long.parseLong(v.substring(0, v.length() - 1));
            switch (v.charAt(v.length() - 1)) {
                case 's':
                    return Duration.ofSeconds(n);
                case 'm':
                    return Duration.ofMinutes(n);
                case 'h':
                    return Duration.ofHours(n);
                default:
                    break;
            }
        } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
            // reported below with examples
        }
        problems.add(option + " must be a duration such as 90s, 10m or 1h, was '" + value + "'");
        return Duration.ZERO;
    }
}
