package dev.latchkey.example;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A Spring Boot application with three ways in: form login (people), JWTs from an identity provider (a resource
 * server) and Latchkey personal access tokens (scripts, CI, git). Latchkey needs nothing here but
 * {@code application.properties} and one line in {@link SecurityConfig}.
 */
@SpringBootApplication
public class ExampleApplication {
    /** Starts the application. */
    public static void main(String[] args) {
        SpringApplication.run(ExampleApplication.class, args);
    }
}
