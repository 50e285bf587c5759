/**
 * Mails token owners Latchkey's notices (created on their behalf, revoked, leaked, expiring) through SMTP with
 * Jakarta Mail. Only {@code dev.latchkey.notify.smtp} is exported.
 */
module dev.latchkey.notify.smtp {
    requires transitive dev.latchkey.spi;
    requires jakarta.mail;
    requires org.slf4j;

    exports dev.latchkey.notify.smtp;
}
