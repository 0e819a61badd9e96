package dev.outpost.bench;

import java.io.File;
import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A tool the benchmark runs (wrk, nginx) taken from Debian's packages without installing anything:
 * {@code apt-get download} of the packages into {@code target/<tool>/debs}, unpacked with {@code dpkg
 * -x} into {@code target/<tool>/root}. Libraries the packages bring are found with {@code
 * LD_LIBRARY_PATH} pointed at {@link #libraries(Path)}.
 */
public final class DebianPackages {
    private DebianPackages() {}

    /** A tool's executable, with the directory of libraries unpacked beside it if it was fetched. */
    public record Tool(Path path, Path libraries) {
        String describe() {
            return path + (libraries == null ? "" : " (unpacked from Debian's packages)");
        }

        /** A process builder for the tool with these arguments (and its libraries, if fetched). */
        ProcessBuilder command(List<String> args) {
            ProcessBuilder builder = new ProcessBuilder();
            builder.command().add(path.toString());
            builder.command().addAll(args);
            if (libraries != null) {
                builder.environment().put("LD_LIBRARY_PATH", libraries.toString());
            }
            return builder;
        }
    }

    /**
     * The tool {@code name}: {@code -Dbench.<name>=PATH} if given, else {@code name} on the {@code PATH}
     * (or in {@code extraDirs}), else fetched: the packages {@code -Dbench.<name>.packages} (default
     * {@code defaultPackages}) unpacked into {@code runDir/<name>}, where the executable is {@code
     * unpackedPath} below the unpacked root.
     */
    static Tool locate(Path runDir, String name, String defaultPackages, String unpackedPath, String... extraDirs)
            throws IOException, InterruptedException {
        String given = System.getProperty("bench." + name);
        if (given != null && !given.isBlank()) {
            return new Tool(Path.of(given), null);
        }
        Optional<Path> installed = onPath(name, extraDirs);
        if (installed.isPresent()) {
            return new Tool(installed.get(), null);
        }
        Path dir = runDir.resolve(name);
        Path executable = fetch(
                dir,
                List.of(System.getProperty("bench." + name + ".packages", defaultPackages)
                        .split(",")),
                unpackedPath,
                "apt-get install -y " + name);
        return new Tool(executable, libraries(dir.resolve("root")));
    }

    /** {@code name} as an executable in one of the {@code PATH}'s directories (or in {@code extra}). */
    private static Optional<Path> onPath(String name, String... extra) {
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
    private static Path fetch(Path dir, List<String> packages, String executable, String installHint)
            throws IOException, InterruptedException {
        Path root = dir.resolve("root");
        Path unpacked = root.resolve(executable);
        if (Files.isExecutable(unpacked)) {
            return unpacked;
        }
        // fetched and unpacked aside, then moved into place in one step: another process fetching the
        // same tool at the same time finds either nothing or the whole of it
        Files.createDirectories(dir);
        Path aside = Files.createTempDirectory(dir, "fetching-");
        Path debs = Files.createDirectories(aside.resolve("debs"));
        List<String> download = new ArrayList<>(List.of("apt-get", "download"));
        download.addAll(packages);
        System.out.println(
                "fetching " + String.join(", ", packages) + " from Debian's packages into " + dir + " (not installed)");
        run(
                download,
                debs,
                "apt-get download (on a fresh system run 'apt-get update' first, or install it yourself: " + installHint
                        + ")");
        Path asideRoot = aside.resolve("root");
        try (var files = Files.list(debs)) {
            for (Path deb : files.filter(f -> f.toString().endsWith(".deb")).toList()) {
                run(List.of("dpkg", "-x", deb.toString(), asideRoot.toString()), debs, "dpkg -x " + deb.getFileName());
            }
        }
        if (!Files.isExecutable(asideRoot.resolve(executable))) {
            throw new IllegalStateException("the packages " + packages + " did not contain " + executable);
        }
        try {
            Files.move(asideRoot, root, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException | DirectoryNotEmptyException fetchedMeanwhile) {
            // another process moved its copy into place first: use that one
        }
        try (var leftovers = Files.walk(aside)) {
            for (Path p : leftovers.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
        return unpacked;
    }

    /** The directory of shared libraries unpacked next to {@code executable} (which is under root/usr/...). */
    private static Path libraries(Path root) {
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
