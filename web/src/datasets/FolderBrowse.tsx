import { useEffect, useState } from 'react';
import { useApi } from '../useApi';

interface FolderListing {
  path: string;
  folders: string[];
  files: { path: string; size: number }[];
  truncated: boolean;
}

function nameOf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

// The folders and files of a files connection (file, S3, Azure), a folder a click:
// a folder opens, a file or "Use this folder" is picked as the dataset's path.
export function FolderBrowse({ connection, onPick }: { connection: string; onPick: (path: string) => void }) {
  const [folder, setFolder] = useState('');
  useEffect(() => setFolder(''), [connection]);
  const address = `/api/connections/${connection}/files${folder ? '?path=' + encodeURIComponent(folder) : ''}`;
  const { data, error } = useApi<FolderListing>(address);
  // A listing shows only for the folder it came from (not the last one's, mid-click).
  const listing = data && data.path === folder ? data : null;
  const parent = folder.includes('/') ? folder.slice(0, folder.lastIndexOf('/')) : '';
  return (
    <section id="folder-browse">
      <h3>
        Files of <span id="folder-browse-connection">{connection}</span>
      </h3>
      <p id="folder-browse-path">
        {folder ? folder + '/' : '(the root)'}{' '}
        {folder && (
          <>
            <button type="button" id="folder-browse-up" onClick={() => setFolder(parent)}>
              Up
            </button>{' '}
            <button type="button" id="folder-browse-pick" onClick={() => onPick(folder)}>
              Use this folder
            </button>
          </>
        )}
      </p>
      {listing && (
        <ul id="folder-browse-items">
          {listing.folders.map((f) => (
            <li key={f}>
              <button type="button" className="link" id={'folder-' + f} onClick={() => setFolder(f)}>
                {nameOf(f)}/
              </button>
            </li>
          ))}
          {listing.files.map((f) => (
            <li key={f.path}>
              <button type="button" className="link" id={'file-' + f.path} onClick={() => onPick(f.path)}>
                {nameOf(f.path)}
              </button>{' '}
              <small>{f.size.toLocaleString()} bytes</small>
            </li>
          ))}
          {listing.folders.length + listing.files.length === 0 && <li>(empty)</li>}
        </ul>
      )}
      {listing?.truncated && <p>Only the first entries are shown: type the path of the others.</p>}
      <p id="folder-browse-error" className="error">
        {error}
      </p>
    </section>
  );
}
