// The console page: a hash router over the pages (#live, #query, #trace/<id>, #outbox,
// #webhooks, #dead-letters). Each page module exports mount(root, context) and returns
// an unmount function; the Live page keeps its stream while another page is shown, so
// the chart and the list are whole when you come back.
import { api, el, problem } from './util.js';
import * as live from './live.js';
import * as query from './query.js';
import * as trace from './trace.js';
import * as ops from './ops.js';

const pages = {
  live: live.mount,
  query: query.mount,
  trace: trace.mount,
  outbox: ops.mountOutbox,
  webhooks: ops.mountWebhooks,
  'dead-letters': ops.mountDeadLetters,
};

const root = document.getElementById('page');
let unmount = () => {};
let info = { pages: {} };

function route() {
  const [name, ...rest] = location.hash.replace(/^#/, '').split('/');
  const page = Object.hasOwn(pages, name) ? name : 'live';
  for (const link of document.querySelectorAll('#nav a')) link.classList.toggle('active', link.dataset.page === page);
  unmount();
  root.replaceChildren();
  const view = el('section', { class: `page page-${page}`, 'data-page': page });
  root.append(view);
  try {
    unmount = pages[page](view, { info, arg: rest.map(decodeURIComponent).join('/'), go }) ?? (() => {});
  } catch (error) {
    view.append(problem(error));
    unmount = () => {};
  }
}

/** Opens a page: go('trace', traceId). */
function go(page, arg) {
  location.hash = arg ? `${page}/${encodeURIComponent(arg)}` : page;
}

async function start() {
  try {
    info = await api('api/info');
    document.getElementById('service').textContent = info.service ? `· ${info.service}` : '';
  } catch (error) {
    root.append(problem(error));
  }
  live.start();
  addEventListener('hashchange', route);
  route();
}

start();
