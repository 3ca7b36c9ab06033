package dev.pkcefilter.it.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs {@code wrk} (the Debian package) against one URL with a session cookie, bounded in time, and reads its
 * figures. A Lua script counts every answer that is not 200, so that a lost session (a 302 to the login page,
 * which wrk itself counts as a success) cannot pass for throughput.
 */
final class Wrk {

    /** One run's figures. */
    record Result(double requestsPerSecond, double p50Micros, double p99Micros, long requests, long non200,
                  String socketErrors) {
    }

    private static final String SCRIPT = """
            local threads = {}
            function setup(thread) table.insert(threads, thread) end
            function init(args) non200 = 0 end
            function response(status, headers, body) if status ~= 200 then non200 = non200 + 1 end end
            function done(summary, latency, requests)
              local n = 0
              for _, t in ipairs(threads) do n = n + t:get("non200") end
              io.write(string.format("non200 %d\\n", n))
            end
            """;
    private static final Pattern RPS = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
    private static final Pattern PERCENTILE = Pattern.compile("^\\s+(50|99)%\\s+([0-9.]+)(us|ms|s)\\s*$",
            Pattern.MULTILINE);
    private static final Pattern REQUESTS = Pattern.compile("(\\d+) requests in");
    private static final Pattern NON200 = Pattern.compile("non200 (\\d+)");
    private static final Pattern SOCKET_ERRORS = Pattern.compile("Socket errors: ([^\\n]+)");

    private final Path executable;
    private final Path script;
    private final int threads;
    private final int connections;

    Wrk(Path workDir, int threads, int connections) throws IOException {
        this.executable = find();
        this.script = workDir.resolve("count-non-200.lua");
        Files.writeString(script, SCRIPT);
        this.threads = threads;
        this.connections = connections;
    }

    /** The wrk on the PATH, or a clear failure that says how to install it. */
    static Path find() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path candidate = Path.of(dir, "wrk");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("wrk is not installed: the benchmark's load generator is the wrk of Debian's"
                + " packages. Install it with `sudo apt-get install wrk` (Debian, Ubuntu) and run the command again.");
    }

    String describe() {
        return "wrk " + threads + " threads, " + connections + " connections, HTTP/1.1 keep-alive" + CpuPinning.describe();
    }

    Result run(String url, String cookie, int seconds) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(CpuPinning.loadGenerator());
        command.addAll(List.of(executable.toString(),
                "-t" + threads, "-c" + connections, "-d" + seconds + "s", "--timeout", "10s", "--latency",
                "-s", script.toString(),
                "-H", "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"));
        if (cookie != null) {
            command.addAll(List.of("-H", "Cookie: " + cookie));
        }
        command.add(url);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(seconds + 60L, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("wrk failed for " + url + ":\n" + output);
        }
        return parse(url, output);
    }

    static Result parse(String url, String output) {
        Matcher rps = RPS.matcher(output);
        Matcher requests = REQUESTS.matcher(output);
        Matcher non200 = NON200.matcher(output);
        if (!rps.find() || !requests.find() || !non200.find()) {
            throw new IllegalStateException("unexpected wrk output for " + url + ":\n" + output);
        }
        double p50 = Double.NaN;
        double p99 = Double.NaN;
        Matcher percentile = PERCENTILE.matcher(output);
        while (percentile.find()) {
            double value = Double.parseDouble(percentile.group(2)) * switch (percentile.group(3)) {
                case "us" -> 1;
                case "ms" -> 1_000;
                default -> 1_000_000;
            };
            if (percentile.group(1).equals("50")) {
                p50 = value;
            } else {
                p99 = value;
            }
        }
        Matcher socket = SOCKET_ERRORS.matcher(output);
        return new Result(Double.parseDouble(rps.group(1)), p50, p99, Long.parseLong(requests.group(1)),
                Long.parseLong(non200.group(1)), socket.find() ? socket.group(1).trim() : "none");
    }
}
