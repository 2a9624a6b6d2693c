import type { ReactNode } from 'react';

// A page of a project's items (datasets, recipes, charts): their list, each linking to
// #/<page>/<name>, and a link to make one, beside the item opened (the children).
export function ItemsPage({
  title,
  listId,
  linkId,
  page,
  items,
  open,
  error,
  make,
  children,
}: {
  title: string;
  listId: string;
  linkId: (name: string) => string;
  page: string;
  items: { name: string; detail: string }[] | undefined;
  open: string | null;
  error: string;
  make: { id: string; item: string; label: string };
  children: ReactNode;
}) {
  return (
    <div className="datasets-page">
      <nav className="dataset-list">
        <h2>{title}</h2>
        <p className="error">{error}</p>
        <ul id={listId}>
          {items?.map((item) => (
            <li key={item.name} className={item.name === open ? 'current' : ''}>
              <a id={linkId(item.name)} href={`#/${page}/${item.name}`}>
                {item.name}
              </a>{' '}
              <span className="detail">{item.detail}</span>
            </li>
          ))}
        </ul>
        <a id={make.id} href={`#/${page}/${make.item}`}>
          {make.label}
        </a>
      </nav>
      <div className="dataset-main">{children}</div>
    </div>
  );
}
