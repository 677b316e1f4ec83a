import { describe, expect, it } from 'vitest';
import { pathOf } from '../../src/http/request-target.js';

describe('pathOf: the path of a request target', () => {
  it.each([
    ['/users/1', '/users/1'],
    ['/users/1?x=2', '/users/1'],
    ['/search?q=a/b?c', '/search'],
    ['//double/slash?x', '//double/slash'],
    ['/', '/'],
    ['http://user:pass@example.com/abs?t=x', '/abs'],
    ['https://example.com:8443/a/b/', '/a/b/'],
    ['HTTP://Example.com/Case', '/Case'],
    ['http://user:p%40ss@example.com', '/'],
    ['http://example.com?only=query', '/'],
    ['http://example.com#frag', '/'],
    ['http://user@[::1]:8080/v6', '/v6'],
    ['*', '*'],
  ])('%s → %s', (target, path) => {
    expect(pathOf(target)).toBe(path);
  });
});
