import Link from 'next/link';

export default function PressNotFound() {
  return (
    <main className="max-w-3xl py-8">
      <h1 className="text-2xl font-bold tracking-tight">No such press</h1>
      <p className="mt-3 text-slate-600">
        There is no press with this id. It may have been mistyped, or the link came from another Deskbell installation.
      </p>
      <p className="mt-6">
        <Link href="/presses" className="text-bell-700 underline">
          See all presses
        </Link>
      </p>
    </main>
  );
}
