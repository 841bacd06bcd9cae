import java.lang.reflect.Field;
import java.lang.reflect.Modifier;

public final class HeadlessJMeter {
    public static void main(String[] args) throws Throwable {
        String home = System.getProperty("jmeter.home", "/usr/share/jmeter");
        Class<?> driver = Class.forName("org.apache.jmeter.NewDriver");
        Field loaderField = driver.getDeclaredField("loader");
        loaderField.setAccessible(true);
        ClassLoader loader = (ClassLoader) loaderField.get(null);
        Thread.currentThread().setContextClassLoader(loader);

        Class<?> utils = Class.forName("org.apache.jmeter.util.JMeterUtils", true, loader);
        utils.getMethod("setJMeterHome", String.class).invoke(null, home);
        utils.getMethod("loadJMeterProperties", String.class).invoke(null, home + "/bin/jmeter.properties");

        Class<?> saveService = Class.forName("org.apache.jmeter.save.SaveService", true, loader);
        Class<?> xstream = Class.forName("com.thoughtworks.xstream.XStream", true, loader);
        Class<?> permission = Class.forName("com.thoughtworks.xstream.security.TypePermission", true, loader);
        Object any = Class.forName("com.thoughtworks.xstream.security.AnyTypePermission", true, loader)
            .getField("ANY").get(null);
        for (Field field : saveService.getDeclaredFields()) {
            if (Modifier.isStatic(field.getModifiers()) && xstream.isAssignableFrom(field.getType())) {
                field.setAccessible(true);
                xstream.getMethod("addPermission", permission).invoke(field.get(null), any);
            }
        }

        driver.getMethod("main", String[].class).invoke(null, (Object) args);
    }
}
