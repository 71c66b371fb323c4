package dev.fleetpulse.localstack;

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
 * The jobs' CloudWatch metrics as docs/aws-deployment.md lists them, so a test can hold what a job registers to what
 * its users read: the table under {@value #HEADING}, one row per job, metric names in backticks in the second cell.
 */
public final class DocumentedMetrics {

    public static final String HEADING = "### CloudWatch metrics of the jobs";
    private static final Pattern NAME = Pattern.compile("`([A-Za-z]+)`");

    private DocumentedMetrics() {
    }

    /** The metric names documented for {@code job} (e.g. {@code pre-processor}) in the deployment guide. */
    public static Set<String> cloudWatch(Path deploymentGuide, String job) {
        List<String> lines;
        try {
            lines = Files.readAllLines(deploymentGuide);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + deploymentGuide, e);
        }
        int section = lines.indexOf(HEADING);
        if (section < 0) {
            throw new IllegalStateException(deploymentGuide + " has no section '" + HEADING + "'");
        }
        for (String line : lines.subList(section, lines.size())) {
            if (line.startsWith("| `" + job + "` |")) {
                Set<String> names = new TreeSet<>();
                Matcher cell = NAME.matcher(line.split("\\|")[2]);
                while (cell.find()) {
                    names.add(cell.group(1));
                }
                return names;
            }
        }
        throw new IllegalStateException(deploymentGuide + " lists no CloudWatch metrics for " + job);
    }
}
