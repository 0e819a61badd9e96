package dev.outpost.server.capture;

import dev.outpost.server.config.OutpostSettings;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.inject.Inject;
import java.util.logging.Logger;

/**
 * Starts the capture loop on a container-managed thread when the application starts (after Liquibase),
 * unless {@value OutpostSettings#CAPTURE_ENABLED} is false, and stops it with the application. Every
 * instance runs the loop; only the one holding the capture lock captures, the others stand by.
 */
@Singleton
@Startup
@DependsOn("LiquibaseMigrator")
public class CaptureService {
    private static final Logger LOG = Logger.getLogger(CaptureService.class.getName());

    @Resource
    private ManagedThreadFactory threads;

    @Inject
    private OutpostSettings settings;

    @Inject
    private ChangeSignal signal;

    private ChangeCapture capture;

    @PostConstruct
    void start() {
        if (!settings.captureEnabled()) {
            LOG.info("change capture is off (" + OutpostSettings.CAPTURE_ENABLED + "=false)");
            return;
        }
        capture = new ChangeCapture(CaptureConnections.fromSystemProperties(), settings.scope(), signal::stored);
        Thread thread = threads.newThread(capture);
        thread.setName("outpost-change-capture");
        thread.start();
    }

    @PreDestroy
    void stop() {
        if (capture != null) {
            capture.stop();
        }
    }
}
