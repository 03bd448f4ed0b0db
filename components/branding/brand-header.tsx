import type { Branding } from '@/lib/settings/branding';

/**
 * The MSP's bar: logo and name on the brand colour, with the text colour that reaches WCAG AA
 * on it. The logo is always an <img>, so an SVG logo cannot run anything. Nothing to show
 * (neither name nor logo): renders nothing.
 */
export function BrandHeader({ branding, className = '' }: { branding: Branding | null; className?: string }) {
  if (!branding || (branding.name === '' && !branding.logo)) return null;
  return (
    <header
      data-testid="brand-header"
      data-brand-colour={branding.colour}
      className={`flex items-center gap-3 rounded-xl px-5 py-4 ${className}`}
      style={{ backgroundColor: branding.colour, color: branding.textColour }}
    >
      {branding.logo ? (
        // Served from our own cacheable URL; next/image would re-encode an uploaded SVG.
        // eslint-disable-next-line @next/next/no-img-element
        <img src={branding.logo.url} alt={branding.name ? `${branding.name} logo` : 'Logo'} className="h-10 w-auto max-w-[12rem] object-contain" />
      ) : null}
      {branding.name ? <span className="text-lg font-semibold">{branding.name}</span> : null}
    </header>
  );
}
