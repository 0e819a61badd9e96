package dev.outpost.bench;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A tool the benchmark runs (wrk, nginx) taken from Debian's packages without installing anything:
 * {@code apt-get download} of the packages into {@code target/<tool>/debs}, unpacked with {@code dpkg
 * -x} into {@code target/<tool>/root}. Libraries the packages bring are found with {@code
 * LD_LIBRARY_PATH} pointed at {@link #libraries(Path)}.
 */
final class DebianPackages {
    private DebianPackages() {}

    /** {@code name} as an executable in one of the {@code PATH}'s directories (or in {@code extra}). */
    static Optional<Path> onPath(String name, String... extra) {
        List<String> dirs =
                new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)));
        dirs.addAll(List.of(extra));
        for (String dir : dirs) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /**
     * Downloads and unpacks {@code packages} into {@code dir/root} unless {@code executable} (relative
     * to that root) is already there; returns the unpacked executable.
     */
    static Path fetch(Path dir, List<String> packages, String executable, String installHint)
            throws IOException, InterruptedException {
        Path root = dir.resolve("root");
        Path unpacked = root.resolve(executable);
        if (Files.isExecutable(unpacked)) {
            return unpacked;
        }
        Path debs = Files.createDirectories(dir.resolve("debs"));
        List<String> download = new ArrayList<>(List.of("apt-get", "download"));
        download.addAll(packages);
        System.out.println(
                "fetching " + String.join(", ", packages) + " from Debian's packages into " + dir + " (not installed)");
        run(
                download,
                debs,
                "apt-get download (on a fresh system run 'apt-get update' first, or install it yourself: " + installHint
                        + ")");
        try (var files = Files.list(debs)) {
            for (Path deb : files.filter(f -> f.toString().endsWith(".deb")).toList()) {
                run(List.of("dpkg", "-x", deb.toString(), root.toString()), debs, "dpkg -x " + deb.getFileName());
            }
        }
        if (!Files.isExecutable(unpacked)) {
            throw new IllegalStateException("the packages " + packages + " did not contain " + executable);
        }
        return unpacked;
    }

    /** The directory of shared libraries unpacked next to {@code executable} (which is under root/usr/...). */
    static Path libraries(Path root) {
        return root.resolve("usr/lib/x86_64-linux-gnu");
    }

    private static void run(List<String> command, Path dir, String what) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .start();
        String output = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException(what + " failed:\n" + output);
        }
    }
}
