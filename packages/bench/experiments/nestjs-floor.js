// Reference for @cors/nestjs: a `CorsModule.forRoot()` that installs, as @cors/nestjs does (the
// HTTP adapter's request hook, run before Nest's routes), a hook setting the four headers of an
// allowed GET with no route table and no decision: on Node's response on
// @nestjs/platform-express, on Fastify's reply on @nestjs/platform-fastify.
import { Inject, Injectable, Module } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';

function expressHook(request, response, next) {
  response.setHeader('Access-Control-Allow-Origin', request.headers.origin);
  response.setHeader('Access-Control-Allow-Credentials', 'true');
  response.setHeader('Access-Control-Expose-Headers', 'x-request-id');
  response.setHeader('Vary', 'Origin');
  next();
}

function fastifyHook(request, reply, next) {
  reply.header('access-control-allow-origin', request.headers.origin);
  reply.header('access-control-allow-credentials', 'true');
  reply.header('access-control-expose-headers', 'x-request-id');
  reply.header('vary', 'Origin');
  next();
}

class FloorInstaller {
  constructor(adapterHost) {
    this.adapterHost = adapterHost;
  }

  onModuleInit() {
    const adapter = this.adapterHost.httpAdapter;
    adapter.setOnRequestHook(adapter.getType() === 'fastify' ? fastifyHook : expressHook);
  }
}
Injectable()(FloorInstaller);
Inject(HttpAdapterHost)(FloorInstaller, undefined, 0);

export class CorsModule {
  static forRoot() {
    return { module: CorsModule, providers: [FloorInstaller] };
  }
}
Module({})(CorsModule);
