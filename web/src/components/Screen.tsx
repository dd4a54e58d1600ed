import { useEffect, type ReactNode } from 'react';

/** A screen's frame: its heading (also the document's title) and an optional row of actions. */
export function Screen({ title, actions, children }: { title: string; actions?: ReactNode; children: ReactNode }) {
  useEffect(() => {
    document.title = `${title} · Chorus`;
  }, [title]);
  return (
    <main className="screen" id="main">
      <div className="screen-head">
        <h1>{title}</h1>
        {actions && <div className="actions">{actions}</div>}
      </div>
      {children}
    </main>
  );
}
