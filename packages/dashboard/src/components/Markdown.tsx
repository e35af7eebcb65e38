import type { Definition, Nodes, Root } from 'mdast';
import type { ComponentChildren, JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { safeHref } from '../core/markdown.js';
import { SafeText } from './SafeText.js';

type Parse = (text: string) => Root;

/** The parser once loaded: every Markdown message after the first renders at once. */
let parser: Parse | undefined;
let loading: Promise<Parse> | undefined;

function loadParser(): Promise<Parse> {
  loading ??= import('../core/markdown-parse.js').then((m) => {
    parser = m.parseMarkdown;
    return parser;
  });
  return loading;
}

/** Link definitions of a tree by identifier, for `[text][ref]` links. */
function definitionsOf(root: Root): Map<string, Definition> {
  const found = new Map<string, Definition>();
  const visit = (node: Nodes) => {
    if (node.type === 'definition') found.set(node.identifier, node);
    if ('children' in node) for (const child of node.children) visit(child as Nodes);
  };
  visit(root);
  return found;
}

/** A link whose target passed `safeHref`, or its text alone. */
function Link({
  href,
  title,
  children,
}: {
  href: string | undefined;
  title?: string | null;
  children: ComponentChildren;
}) {
  const safe = safeHref(href);
  if (!safe) return <span class="md-unsafe-link">{children}</span>;
  return (
    <a href={safe} title={title ?? undefined} target="_blank" rel="noopener noreferrer nofollow">
      {children}
    </a>
  );
}

/**
 * Elements for one node of the tree. Every piece of text becomes a text node
 * (`SafeText`), raw HTML included: nothing here ever writes markup.
 */
function render(node: Nodes, key: number, defs: Map<string, Definition>): JSX.Element | null {
  const children = () => ('children' in node ? node.children.map((c, i) => render(c as Nodes, i, defs)) : null);
  switch (node.type) {
    case 'root':
      return <>{children()}</>;
    case 'paragraph':
      return <p key={key}>{children()}</p>;
    case 'heading': {
      const Tag = `h${Math.min(6, node.depth + 2)}` as 'h3';
      return <Tag key={key}>{children()}</Tag>;
    }
    case 'text':
    case 'html':
      return <SafeText key={key} text={node.value} />;
    case 'emphasis':
      return <em key={key}>{children()}</em>;
    case 'strong':
      return <strong key={key}>{children()}</strong>;
    case 'delete':
      return <del key={key}>{children()}</del>;
    case 'inlineCode':
      return (
        <code key={key}>
          <SafeText text={node.value} />
        </code>
      );
    case 'code':
      return (
        <pre key={key} class="md-code">
          <code>
            <SafeText text={node.value} />
          </code>
        </pre>
      );
    case 'break':
      return <br key={key} />;
    case 'thematicBreak':
      return <hr key={key} />;
    case 'blockquote':
      return <blockquote key={key}>{children()}</blockquote>;
    case 'list':
      return node.ordered ? (
        <ol key={key} start={node.start ?? undefined}>
          {children()}
        </ol>
      ) : (
        <ul key={key}>{children()}</ul>
      );
    case 'listItem':
      return (
        <li key={key}>
          {node.checked === true || node.checked === false ? (
            <input type="checkbox" checked={node.checked} disabled aria-label={node.checked ? 'done' : 'not done'} />
          ) : null}
          {children()}
        </li>
      );
    case 'link':
      return (
        <Link key={key} href={node.url} title={node.title}>
          {children()}
        </Link>
      );
    case 'linkReference': {
      const def = defs.get(node.identifier);
      return (
        <Link key={key} href={def?.url} title={def?.title}>
          {children()}
        </Link>
      );
    }
    // Images are not loaded (the page loads nothing from elsewhere): their text, linked when safe.
    case 'image':
      return (
        <Link key={key} href={node.url} title={node.title}>
          <SafeText text={`[image: ${node.alt ?? ''}]`} />
        </Link>
      );
    case 'imageReference': {
      const def = defs.get(node.identifier);
      return (
        <Link key={key} href={def?.url} title={def?.title}>
          <SafeText text={`[image: ${node.alt ?? ''}]`} />
        </Link>
      );
    }
    case 'table':
      return (
        <table key={key} class="md-table">
          <tbody>{children()}</tbody>
        </table>
      );
    case 'tableRow':
      return <tr key={key}>{children()}</tr>;
    case 'tableCell':
      return <td key={key}>{children()}</td>;
    case 'definition':
    case 'footnoteDefinition':
      return null;
    default:
      return 'children' in node ? (
        <span key={key}>{children()}</span>
      ) : 'value' in node ? (
        <SafeText key={key} text={String(node.value)} />
      ) : null;
  }
}

/**
 * A Markdown message rendered safely: the parser loads on first use (the
 * plain text shows meanwhile), the tree becomes elements, never HTML.
 */
export function Markdown({ text }: { text: string }) {
  const [parse, setParse] = useState<Parse | undefined>(() => parser);
  useEffect(() => {
    if (parse) return;
    let live = true;
    loadParser().then((p) => live && setParse(() => p));
    return () => {
      live = false;
    };
  }, [parse]);
  if (!parse) return <SafeText text={text} />;
  const root = parse(text);
  return (
    <div class="markdown" data-testid="markdown">
      {render(root, 0, definitionsOf(root))}
    </div>
  );
}
