package io.stagepass.acceptance.testing;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's headless Chromium driven through its chromium-driver, for end-to-end tests of pages: no browser download
 * (Selenium Manager is not used), no network beyond loopback, HOME and TMPDIR inside the test's folder.
 */
public final class Browser implements AutoCloseable {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path DRIVER = Path.of("/usr/bin/chromedriver");

    private final ChromeDriver driver;

    private Browser(ChromeDriver driver) {
        this.driver = driver;
    }

    /** Skips the calling test, naming the packages, when Chromium or its driver is not installed. */
    public static void assumeAvailable() {
        Assumptions.assumeTrue(
                Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER),
                "Chromium not found: install the Debian packages 'chromium' and 'chromium-driver' (bash .ci/run does) to run this browser test");
    }

    public static Browser start(Path dir) throws Exception {
        return start(dir, new String[0]);
    }

    /** A browser with more Chromium switches (a fake camera and microphone, say). */
    public static Browser start(Path dir, String... switches) throws Exception {
        Path home = Files.createDirectories(dir.resolve("browser-home"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort()
                .withEnvironment(Map.of("HOME", home.toString(), "TMPDIR", home.toString()))
                .build();
        ChromeOptions options = new ChromeOptions()
                .setBinary(CHROMIUM.toFile())
                .addArguments(
                        "--headless=new",
                        "--no-sandbox",
                        "--disable-gpu",
                        "--disable-dev-shm-usage",
                        "--disable-quic",
                        "--no-first-run",
                        "--disable-background-networking",
                        "--disable-component-update",
                        "--disable-sync",
                        "--mute-audio",
                        "--autoplay-policy=no-user-gesture-required",
                        "--window-size=1280,900",
                        "--user-data-dir=" + Files.createDirectories(dir.resolve("browser-profile")))
                .addArguments(switches);
        return new Browser(new ChromeDriver(service, options));
    }

    public ChromeDriver driver() {
        return driver;
    }

    public void open(String url) {
        driver.get(url);
    }

    @SuppressWarnings("unchecked")
    public <T> T script(String javascript) {
        return (T) ((JavascriptExecutor) driver).executeScript(javascript);
    }

    /** A screenshot saved to {@code file}; returns how many distinct colours it has (a blank page has one or two). */
    public int screenshot(Path file) throws Exception {
        byte[] png = driver.getScreenshotAs(OutputType.BYTES);
        Files.createDirectories(file.getParent());
        Files.write(file, png);
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < image.getHeight(); y += 4) {
            for (int x = 0; x < image.getWidth(); x += 4) {
                colours.add(image.getRGB(x, y));
            }
        }
        return colours.size();
    }

    public static Duration timeout() {
        return Duration.ofSeconds(60);
    }

    @Override
    public void close() {
        driver.quit();
    }
}
