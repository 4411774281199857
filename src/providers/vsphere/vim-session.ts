import { VimClient } from './vim-client.js';

/** Where and as whom to open a vim25 session (the password comes from the environment, never the graph). */
export interface VimConnection {
  url: string;
  username: string;
  password: string;
  ca: string | null;
  insecure: boolean;
}

/** One vim25 session for one unit of work: login, work, always log out and release the connection pool. */
export async function withVimSession<T>(
  connection: VimConnection,
  work: (client: VimClient) => Promise<T>,
): Promise<T> {
  const client = new VimClient({
    url: connection.url,
    ...(connection.ca ? { ca: connection.ca } : {}),
    insecure: connection.insecure,
  });
  try {
    await client.login(connection.username, connection.password);
    try {
      return await work(client);
    } finally {
      await client.logout().catch(() => undefined);
    }
  } finally {
    await client.close();
  }
}
