package io.switchboard.http;

import io.vertx.ext.web.openapi.router.RouterBuilder;

/** One OpenAPI tag's handlers: binds operationIds to methods. */
public interface ApiModule {

  void mount(RouterBuilder routes);
}
