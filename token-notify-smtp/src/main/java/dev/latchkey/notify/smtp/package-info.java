/** {@link dev.latchkey.notify.smtp.SmtpNotifier}: Latchkey's notices to token owners by e-mail. */
package dev.latchkey.notify.smtp;
