/**
 * The React page of test/react: a component on `useCanonEvents` inside StrictMode, with
 * controls on `window` for the test (hide it, change its url or `max`). Bundled with React
 * 18 or 19 in their development builds, where StrictMode mounts, unmounts and mounts again.
 */
import { StrictMode, useState, version } from 'react';
import { createRoot } from 'react-dom/client';
import { useCanonEvents } from '../../../src/react/index.js';

interface Tick {
  n: number;
}

function Events({ url, max }: { url: string | null; max: number }) {
  const [renders, setRenders] = useState(0);
  // a new options object, array and callback on every render: none of them may reconnect
  const { events, status, lastEventId } = useCanonEvents<Tick>(url, {
    types: ['tick'],
    max,
    onEvent: () => setRenders((count) => count + 1),
  });
  return (
    <section>
      <p id="status">{status}</p>
      <p id="last">{lastEventId ?? ''}</p>
      <p id="renders">{renders}</p>
      <ul id="events">
        {events.map((event) => (
          <li key={event.id}>{event.data.n}</li>
        ))}
      </ul>
    </section>
  );
}

function App() {
  const [shown, setShown] = useState(true);
  const [url, setUrl] = useState<string | null>('/events');
  const [max, setMax] = useState(5);
  Object.assign(globalThis, { hide: () => setShown(false), setUrl, setMax });
  return (
    <main>
      <p id="version">{version}</p>
      {shown ? <Events url={url} max={max} /> : <p id="gone">gone</p>}
    </main>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
