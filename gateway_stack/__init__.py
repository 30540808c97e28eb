"""Gateway Stack: one public API surface for many private microservices on Amazon API Gateway."""
