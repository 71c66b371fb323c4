package dev.fleetpulse.monitoring;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The health series as docs/monitoring.md lists them for the jobs' users: the table under {@value #HEADING}, one row
 * per series, its name in backticks in the first cell. The dashboard and the alerts are held to it.
 */
final class DocumentedHealthSeries {

    static final Path MONITORING_DOC = Path.of("..", "docs", "monitoring.md");
    static final String HEADING = "## Pipeline health series";

    private static final Pattern ROW = Pattern.compile("^\\| `(fleetpulse_pipeline_\\w+)` \\|");
    private static final Pattern REFERENCE = Pattern.compile("fleetpulse_pipeline_\\w+");

    private DocumentedHealthSeries() {
    }

    static Set<String> names() {
        List<String> lines;
        try {
            lines = Files.readAllLines(MONITORING_DOC);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + MONITORING_DOC, e);
        }
        int section = lines.indexOf(HEADING);
        if (section < 0) {
            throw new IllegalStateException(MONITORING_DOC + " has no section '" + HEADING + "'");
        }
        Set<String> names = new TreeSet<>();
        for (String line : lines.subList(section + 1, lines.size())) {
            if (line.startsWith("## ")) {
                break;
            }
            Matcher row = ROW.matcher(line);
            if (row.find()) {
                names.add(row.group(1));
            }
        }
        if (names.isEmpty()) {
            throw new IllegalStateException("The section '" + HEADING + "' of " + MONITORING_DOC + " lists no series");
        }
        return names;
    }

    /** The health series a PromQL expression reads. */
    static Set<String> readBy(String promql) {
        Set<String> names = new TreeSet<>();
        Matcher reference = REFERENCE.matcher(promql);
        while (reference.find()) {
            names.add(reference.group());
        }
        return names;
    }
}
