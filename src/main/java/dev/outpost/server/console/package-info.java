/**
 * The admin web console: static pages in the WAR under {@code /admin/} (HTML, one script, one style
 * sheet; nothing from elsewhere) that call the admin API with an admin token the operator pastes in.
 * {@link dev.outpost.server.console.ConsoleHeaders} gives them a Content-Security-Policy that allows
 * only the WAR's own files and no inline script.
 */
package dev.outpost.server.console;
