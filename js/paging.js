// Makes the Promise of a job list's first page also an async iterable of every job: `for await`
// walks the pages, asking `nextPage(cursor)` (the client's own GET /jobs, made from Rust) for
// each next one until a page has no `next_cursor`.
export function walkPages(firstPage, nextPage) {
  firstPage[Symbol.asyncIterator] = async function* () {
    let page = await firstPage;
    for (;;) {
      yield* page.jobs;
      if (!page.next_cursor) return;
      page = await nextPage(page.next_cursor);
    }
  };
  return firstPage;
}
