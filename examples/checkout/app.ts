/**
 * The checkout service of the demo: an Express app with a cart and a payment step that
 * is sometimes slow and sometimes fails, instrumented with Canon. Each request is one
 * wide event (pretty on a terminal, JSON lines when piped); a paid checkout stores its
 * order with an `order.placed` event in the outbox (see orders.ts); buyers can follow
 * their orders live over SSE. The Canon console is mounted at `/_canon/`.
 */
import type { RequestHandler } from 'express';
import express from 'express';
import { canonExpress, canonExpressError } from '../../src/frameworks/express/index.js';
import { type Canon, getWideEvent } from '../../src/index.js';
import type { Orders } from './orders.js';
import { chargeCard } from './payments.js';

interface CartItem {
  sku: string;
  quantity: number;
  price_cents: number;
}

const PRODUCTS: Record<string, number> = { 'sku-book': 1_999, 'sku-mug': 1_250, 'sku-shirt': 2_500 };
const USERS: Record<string, { plan: string; email: string }> = {
  u_ada: { plan: 'enterprise', email: 'ada@example.com' },
  u_bob: { plan: 'free', email: 'bob@example.com' },
  u_cy: { plan: 'pro', email: 'cy@example.com' },
};

/** Builds the Express app (`consolePage`: `createConsole(...)`); `carts` lives in memory for the demo. */
export function createCheckoutApp(canon: Canon, orders: Orders, consolePage: RequestHandler): express.Express {
  const carts = new Map<string, CartItem[]>();
  const app = express();
  // The console first: its own page and API calls are not the app's traffic.
  app.use('/_canon', consolePage);
  app.use(canonExpress(canon));
  app.use(express.json());

  // Who is calling: every later log of this request carries it.
  app.use('/users/:userId', (req, _res, next) => {
    const user = USERS[req.params.userId];
    req.canon.enrich({ user: { id: req.params.userId, plan: user?.plan ?? 'unknown', email: user?.email } });
    next();
  });

  app.post('/users/:userId/cart/items', (req, res) => {
    const { sku, quantity = 1 } = req.body ?? {};
    const price = PRODUCTS[sku];
    if (!price) {
      req.canon.set('cart.rejected_sku', String(sku));
      res.status(400).json({ error: 'unknown sku' });
      return;
    }
    const cart = carts.get(req.params.userId) ?? [];
    cart.push({ sku, quantity, price_cents: price });
    carts.set(req.params.userId, cart);
    req.canon.enrich({ cart: summarize(cart) });
    res.status(201).json({ items: cart.length });
  });

  app.get('/users/:userId/cart', (req, res) => {
    const cart = carts.get(req.params.userId) ?? [];
    req.canon.enrich({ cart: summarize(cart) });
    res.json(cart);
  });

  // The buyer's live order updates (order.fulfilled) as server-sent events.
  app.get('/users/:userId/orders/stream', (req, res) => {
    orders.hub.connect(req, res, { channels: ['orders'], userId: req.params.userId });
  });

  app.post('/users/:userId/checkout', async (req, res) => {
    const cart = carts.get(req.params.userId) ?? [];
    if (cart.length === 0) {
      res.status(409).json({ error: 'cart is empty' });
      return;
    }
    const summary = summarize(cart);
    getWideEvent()?.enrich({ cart: summary });
    const payment = await chargeCard({
      amount_cents: summary.total_cents,
      card_number: '4242 4242 4242 4242',
    });
    if (!payment.ok) {
      res.status(402).json({ error: payment.decline_reason });
      return;
    }
    // The order and its order.placed event commit together (transactional outbox).
    await orders.place({ order_id: payment.order_id!, user_id: req.params.userId, total_cents: summary.total_cents });
    carts.delete(req.params.userId);
    res.status(201).json({ order_id: payment.order_id });
  });

  app.use(canonExpressError());
  app.use(
    (
      err: Error & { status?: number },
      _req: express.Request,
      res: express.Response,
      _next: express.NextFunction,
    ) => {
      res.status(err.status ?? 500).json({ error: err.message });
    },
  );
  return app;
}

function summarize(cart: CartItem[]) {
  return {
    item_count: cart.reduce((sum, item) => sum + item.quantity, 0),
    total_cents: cart.reduce((sum, item) => sum + item.quantity * item.price_cents, 0),
  };
}
