// Reference for @cors/nestjs: a `CorsModule.forRoot()` that installs, as @cors/nestjs does (the
// HTTP adapter's request hook, run before Nest's routes), a hook setting the four headers of an
// allowed GET with no route table and no decision: the `node:http` floor's on
// @nestjs/platform-express, the Fastify floor's hook on @nestjs/platform-fastify.
import { Inject, Injectable, Module } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { setFloorHeaders } from './fastify-floor.js';
import { cors as nodeFloor } from './node-floor.js';

const expressHook = nodeFloor();

class FloorInstaller {
  constructor(adapterHost) {
    this.adapterHost = adapterHost;
  }

  onModuleInit() {
    const adapter = this.adapterHost.httpAdapter;
    adapter.setOnRequestHook(adapter.getType() === 'fastify' ? setFloorHeaders : expressHook);
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
